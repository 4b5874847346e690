// ClientBench — what RpcClient costs on top of the wire, and what batching saves.
//
//   swift build -c release --product ClientBench && .build/release/ClientBench [--calls 5000] [--server URL]
//
// Without --server it starts the Tidepool HTTP app in this process (in-memory sessions, 127.0.0.1,
// ephemeral port) — server and client then share the machine's cores, as they do in the raw
// baseline too. Figures go into BENCHMARKS.md, "## Client".
//
// Measured, each over `--calls` calls of `session.get` on 100 existing sessions:
//   raw       AsyncHTTPClient POST of a prebuilt body, answer collected, not decoded (the floor)
//   client    RpcClient.session(id:): params encoded, answer decoded into SessionInfo
// sequentially (latency p50/p99) and from 16 tasks (calls/s); and 10 calls as one batch
// against 10 single calls (time per call).

import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Rendering
import RpcClient
import RpcServer
import ServiceLifecycle
import SessionContext

struct Options {
    var calls = 5000
    var server: String?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--calls": calls = iterator.next().flatMap(Int.init) ?? calls
            case "--server": server = iterator.next()
            default: fatalError("unknown argument \(argument); use --calls N, --server URL")
            }
        }
    }
}

/// Milliseconds of `duration`.
func ms(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
}

/// p50 and p99 of `samples`, in milliseconds.
func percentiles(_ samples: [Duration]) -> (p50: Double, p99: Double) {
    let sorted = samples.sorted()
    return (ms(sorted[sorted.count / 2]), ms(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]))
}

/// Latencies of `count` sequential runs of `body`, after 200 warm-up runs.
func sequential(_ count: Int, _ body: (Int) async throws -> Void) async throws -> [Duration] {
    for i in 0..<200 { try await body(i) }
    var samples: [Duration] = []
    samples.reserveCapacity(count)
    for i in 0..<count {
        let start = ContinuousClock.now
        try await body(i)
        samples.append(start.duration(to: .now))
    }
    return samples
}

/// Calls per second of `count` runs of `body` spread over `tasks` tasks.
func concurrent(_ count: Int, tasks: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws -> Double {
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<tasks {
            group.addTask {
                for i in stride(from: task, to: count, by: tasks) { try await body(i) }
            }
        }
        try await group.waitForAll()
    }
    return Double(count) / (ms(start.duration(to: .now)) / 1e3)
}

func bench(url: String, calls: Int) async throws {
    let ids = (0..<100).map { SessionID("bench-\($0)")! }
    var logger = Logger(label: "clientbench")
    logger.logLevel = .warning
    let client = try RpcClient(url: url, configuration: .init(retryPolicy: .none, maxConnections: 16, logger: logger))
    for id in ids { _ = try? await client.createSession(id: id) }

    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    let bodies = ids.map { ByteBuffer(string: #"{"jsonrpc":"2.0","method":"session.get","params":{"session_id":"\#($0)"},"id":1}"#) }
    let raw: @Sendable (Int) async throws -> Void = { i in
        var request = HTTPClientRequest(url: client.endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(bodies[i % bodies.count])
        let response = try await http.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
    }
    let typed: @Sendable (Int) async throws -> Void = { i in _ = try await client.session(id: ids[i % ids.count]) }

    print("calls per figure: \(calls); server: \(url)")
    for (name, body) in [("raw", raw), ("client", typed)] {
        let latency = percentiles(try await sequential(calls, body))
        let rate = try await concurrent(calls, tasks: 16, body)
        let label = name.padding(toLength: 7, withPad: " ", startingAt: 0)
        print(label + String(format: " sequential p50 %.3f ms  p99 %.3f ms   16 tasks %.0f calls/s", latency.p50, latency.p99, rate))
    }

    let rounds = max(1, calls / 10)
    let singles = try await sequential(rounds) { round in
        for k in 0..<10 { _ = try await client.session(id: ids[(round * 10 + k) % ids.count]) }
    }
    let batches = try await sequential(rounds) { round in
        let results = try await client.batch { b in (0..<10).map { k in b.session(id: ids[(round * 10 + k) % ids.count]) } }
        for result in results { _ = try result.get() }
    }
    let perSingle = percentiles(singles).p50 / 10
    let perBatched = percentiles(batches).p50 / 10
    print(String(format: "10 calls: singles %.3f ms per call, one batch %.3f ms per call (p50)", perSingle, perBatched))

    try await http.shutdown()
    await client.shutdown()
}

let options = Options(CommandLine.arguments)
if let server = options.server {
    try await bench(url: server, calls: options.calls)
} else {
    var logger = Logger(label: "clientbench.server")
    logger.logLevel = .warning
    let server = try await TidepoolServer.make(
        configuration: .init(http: HTTPConfiguration(port: 0), sessions: SessionsConfiguration(backend: .memory)), logger: logger
    )
    let (ports, sink) = AsyncStream<Int>.makeStream()
    let app = server.application { channel in
        sink.yield(channel.localAddress?.port ?? -1)
        sink.finish()
    }
    let group = ServiceGroup(services: [app], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var port = -1
        for await bound in ports { port = bound }
        guard port > 0 else { fatalError("server did not start") }
        try await bench(url: "http://127.0.0.1:\(port)", calls: options.calls)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}
