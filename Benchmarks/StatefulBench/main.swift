// StatefulBench: stateful rendering through the whole JSON-RPC stack (HTTP, engine, sessions, pool) versus
// the Headless `Renderer` directly, on the same page, the same pool and in the same run; then a session
// call that restores cookies + localStorage into a fresh context versus a keep_warm session call.
//   swift build -c release --product StatefulBench && .build/release/StatefulBench [--renders N] [--backend memory|sqlite]
// Prints a Markdown section for BENCHMARKS.md. Every browser it starts is closed before it exits.
import AsyncHTTPClient
import FixtureServer
import Foundation
import Headless
import Logging
import NIOCore
import RenderTypes
import RpcServer
import ServiceLifecycle
import SessionContext

struct Options {
    var renders = 200
    var warmup = 20
    var backend = SessionsConfiguration.Backend.memory

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--renders": renders = iterator.next().flatMap(Int.init) ?? renders
            case "--backend": backend = iterator.next().flatMap(SessionsConfiguration.Backend.init(rawValue:)) ?? backend
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case rpc(String)
    case serverDidNotStart
    var description: String {
        switch self {
        case .rpc(let text): "render failed: \(text)"
        case .serverDidNotStart: "the server did not start"
        }
    }
}

/// Percentiles of milliseconds.
struct Summary {
    let sorted: [Double]
    init(_ values: [Double]) { sorted = values.sorted() }
    func percentile(_ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }
    var p50: Double { percentile(0.5) }
    var p95: Double { percentile(0.95) }
}

func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
func f2(_ v: Double) -> String { String(format: "%.2f", v) }
func f1(_ v: Double) -> String { String(format: "%.1f", v) }

let options = Options(arguments: CommandLine.arguments)
let logger: Logger = {
    var logger = Logger(label: "statefulbench")
    logger.logLevel = .error
    return logger
}()

/// JSON-RPC over one keep-alive HTTP connection pool.
struct Client {
    let url: String

    func render(_ params: JSONValue) async throws -> JSONValue {
        try await call("render", params)
    }

    func call(_ method: String, _ params: JSONValue) async throws -> JSONValue {
        var request = HTTPClientRequest(url: url + "/rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(data: try JSONValue.object(["jsonrpc": "2.0", "method": .string(method), "params": params, "id": 1]).jsonData()))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let answer = try JSONValue(parsing: Data(buffer: try await response.body.collect(upTo: 64 << 20)))
        guard let result = answer["result"] else { throw BenchError.rpc(answer.jsonString()) }
        return result
    }
}

/// Runs a whole Tidepool server (with `pool`) on an ephemeral port for `body`.
func withServer<T: Sendable>(pool: BrowserPool, data: String, _ body: (Client) async throws -> T) async throws -> T {
    var configuration = TidepoolServer.Configuration()
    configuration.http.port = 0
    configuration.sessions.backend = options.backend
    configuration.sessions.dataDirectory = data
    let server = try await TidepoolServer.make(configuration: configuration, pool: pool, logger: logger)
    let (ports, sink) = AsyncStream<Int>.makeStream()
    let application = server.application { channel in
        sink.yield(channel.localAddress?.port ?? 0)
        sink.finish()
    }
    let group = ServiceGroup(services: [application], logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        guard let port = await ports.first(where: { _ in true }), port > 0 else { throw BenchError.serverDidNotStart }
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(Client(url: "http://127.0.0.1:\(port)")))
        } catch {
            outcome = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try outcome.get()
    }
}

/// Waits until the pool has a ready browser with its prewarmed contexts.
func waitForPool(_ pool: BrowserPool) async throws {
    while true {
        let stats = pool.stats()
        if stats.readyBrowsers >= 1 && stats.contextsIdle >= 2 { return }
        try await Task.sleep(for: .milliseconds(20))
    }
}

let data = NSTemporaryDirectory() + "statefulbench-" + UUID().uuidString.prefix(8)
try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: data) }

/// Runs both measurements and returns the Markdown report.
func measure(data: String) async throws -> String {
    let pool = BrowserPool(
        config: BrowserPoolConfig(minPoolSize: 1, maxPoolSize: 1, initialPoolSize: 1, contextsPerBrowser: 8, prewarmContexts: 2),
        logger: logger)
    return try await FixtureServer.withRunning { site in
        try await withServer(pool: pool, data: data) { client in
            try await waitForPool(pool)
            let url = site.url("/static.html")
            let renderer = Renderer(provider: pool, logger: logger)

            // 1. Same page: the Renderer directly, the JSON-RPC stack without and with a session. Interleaved,
            //    so drift of the machine (other engineers' builds) hits every variant alike.
            var direct: [Double] = [], directState: [Double] = [], rpc: [Double] = [], rpcSession: [Double] = []
            for round in 0..<(options.warmup + options.renders) {
                let measured = round >= options.warmup
                var start = ContinuousClock.now
                _ = try await renderer.render(RenderRequest(url: url, receivedAt: start))
                if measured { direct.append(ms(.now - start)) }
                start = ContinuousClock.now
                _ = try await renderer.render(
                    RenderRequest(url: url, receivedAt: start, stealthSeed: "bench", state: BrowserState(), collectState: true))
                if measured { directState.append(ms(.now - start)) }
                start = ContinuousClock.now
                _ = try await client.render(["url": .string(url)])
                if measured { rpc.append(ms(.now - start)) }
                start = ContinuousClock.now
                _ = try await client.render(["url": .string(url), "session_id": "overhead"])
                if measured { rpcSession.append(ms(.now - start)) }
            }

            // 2. State restore versus keep_warm: two sessions with the same cookies and localStorage.
            let cookies: JSONValue = .array((0..<5).map { index in
                ["name": .string("c\(index)"), "value": .string(String(repeating: "v", count: 32)), "domain": "127.0.0.1"]
            })
            let storagePage = site.url("/storage/write.html?" + (0..<10).map { "key\($0)=\(String(repeating: "x", count: 64))" }.joined(separator: "&"))
            _ = try await client.call("session.create", ["session_id": "cold"])
            _ = try await client.call("session.create", ["session_id": "warm", "keep_warm": true])
            for session in ["cold", "warm"] {
                _ = try await client.call("cookies.set", ["session_id": .string(session), "cookies": cookies])
                _ = try await client.render(["url": .string(storagePage), "session_id": .string(session)])
            }
            var cold: [(total: Double, leaseRestore: Double, queue: Double)] = []
            var warm: [(total: Double, leaseRestore: Double, queue: Double)] = []
            for round in 0..<(options.warmup + options.renders) {
                for session in ["cold", "warm"] {
                    let start = ContinuousClock.now
                    let result = try await client.render(["url": .string(url), "session_id": .string(session)])
                    let total = ms(.now - start)
                    let lease = result["timings"]?["lease_ms"]?.doubleValue ?? .nan
                    let queue = result["timings"]?["queue_ms"]?.doubleValue ?? .nan
                    guard round >= options.warmup else { continue }
                    if session == "cold" { cold.append((total, lease, queue)) } else { warm.append((total, lease, queue)) }
                }
            }
            let stats = pool.stats()

            func row(_ name: String, _ values: [Double], versus base: Summary? = nil) -> String {
                let s = Summary(values)
                let extra = base.map { " | +\(f2(s.p50 - $0.p50))" } ?? " | —"
                return "| \(name) | \(f2(s.p50)) | \(f2(s.p95))\(extra) |"
            }
            let directSummary = Summary(direct)
            let coldLease = Summary(cold.map(\.leaseRestore)), warmLease = Summary(warm.map(\.leaseRestore))
            let coldPrep = Summary(cold.map { $0.leaseRestore + $0.queue }), warmPrep = Summary(warm.map { $0.leaseRestore + $0.queue })
            var lines: [String] = []
            lines.append("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(loadAverage()); session backend \(options.backend.rawValue); \(options.renders) measured renders per variant after \(options.warmup) warm-up, interleaved; one headless-shell browser, 8 contexts, 2 prewarmed; page /static.html of the fixture site.")
            lines.append("")
            lines.append("**RPC + session overhead** (wall time per call, ms; the client is AsyncHTTPClient over keep-alive loopback):")
            lines.append("")
            lines.append("| variant | p50 | p95 | p50 over direct |")
            lines.append("|---|---|---|---|")
            lines.append(row("`Renderer.render` directly", direct))
            lines.append(row("`Renderer.render` directly, reading state back (`collectState`)", directState, versus: directSummary))
            lines.append(row("`render` over HTTP JSON-RPC, no session", rpc, versus: directSummary))
            lines.append(row("`render` over HTTP JSON-RPC with a session", rpcSession, versus: directSummary))
            lines.append("")
            lines.append("**State restore vs keep_warm** (a session with 5 cookies and 10 localStorage items of 64 B on the page's origin; ms):")
            lines.append("")
            lines.append("| session | lease_ms p50 (context + prepare + restore) | queue_ms + lease_ms p50 | p95 | render wall p50 |")
            lines.append("|---|---|---|---|---|")
            lines.append("| restored into a fresh context | \(f2(coldLease.p50)) | \(f2(coldPrep.p50)) | \(f2(coldPrep.p95)) | \(f2(Summary(cold.map(\.total)).p50)) |")
            lines.append("| keep_warm (context kept, no restore) | \(f2(warmLease.p50)) | \(f2(warmPrep.p50)) | \(f2(warmPrep.p95)) | \(f2(Summary(warm.map(\.total)).p50)) |")
            lines.append("")
            lines.append("keep_warm saves \(f1(100 * (1 - warmPrep.p50 / coldPrep.p50)))% of lease+restore time (queue + lease, p50); pool after the run: \(stats.contextsHeld) held context(s), \(stats.restarts) restarts.")
            return lines.joined(separator: "\n")
        }
    }
}

let report = try await measure(data: data)
print(report)

func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
}
