import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import RenderTypes
import ServiceLifecycle
import SessionContext
@testable import RpcServer

/// A real Tidepool HTTP server on 127.0.0.1 and an ephemeral port, for one test.
struct TestServer {
    let baseURL: String
    let server: TidepoolServer

    var store: RpcSessionStore<AnySessionBackend> { server.sessions.store }

    /// An answer over HTTP.
    struct HTTPAnswer {
        var status: Int
        var headers: HTTPHeaders
        var body: String

        /// The body parsed as JSON.
        var json: JSONValue {
            get throws { try JSONValue(parsing: Data(body.utf8)) }
        }
    }

    /// Runs `body` against a fresh server (in-memory sessions unless `sessions` says otherwise),
    /// then shuts it down gracefully.
    static func run(
        http: HTTPConfiguration = HTTPConfiguration(port: 0),
        sessions: SessionsConfiguration = SessionsConfiguration(backend: .memory, healthCountMaxAge: .zero),
        clock: any WallClock = SystemWallClock(),
        metrics: ServerMetrics = ServerMetrics(),
        _ body: (TestServer) async throws -> Void
    ) async throws {
        var logger = Logger(label: "tidepool.test")
        logger.logLevel = .warning
        let server = try await TidepoolServer.make(
            configuration: .init(http: http, sessions: sessions), metrics: metrics, clock: clock, logger: logger
        )
        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let app = server.application { channel in
            portSink.yield(channel.localAddress?.port ?? -1)
            portSink.finish()
        }
        let group = ServiceGroup(services: [app], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var outcome: Result<Void, any Error> = .success(())
            if let port = await ports.first(where: { _ in true }), port > 0 {
                do {
                    try await body(TestServer(baseURL: "http://127.0.0.1:\(port)", server: server))
                } catch {
                    outcome = .failure(error)
                }
            } else {
                outcome = .failure(TestServerError.didNotStart)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            try outcome.get()
        }
    }

    enum TestServerError: Error {
        case didNotStart
    }

    /// Sends one HTTP request and collects the answer (at most 16 MiB, 30 s).
    func request(
        _ method: HTTPMethod, _ path: String, body: String? = nil,
        headers: [(String, String)] = [("Content-Type", "application/json")]
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// POSTs `text` to /rpc in 512-byte chunks without a Content-Length.
    func rpcChunked(_ text: String) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + "/rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 512).map { ByteBuffer(bytes: bytes[$0..<min($0 + 512, bytes.count)]) }
        request.body = .stream(chunks.async, length: .unknown)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// POSTs a JSON-RPC body to /rpc.
    func rpc(_ body: String, headers: [(String, String)] = [("Content-Type", "application/json")]) async throws -> HTTPAnswer {
        try await request(.POST, "/rpc", body: body, headers: headers)
    }

    /// Calls `method` with `params` and returns the whole response object.
    func call(_ method: String, _ params: JSONValue? = nil, id: JSONValue = 1) async throws -> JSONValue {
        var request: [String: JSONValue] = ["jsonrpc": "2.0", "method": .string(method), "id": id]
        if let params { request["params"] = params }
        let answer = try await rpc(JSONValue.object(request).jsonString())
        guard answer.status == 200 else { throw UnexpectedStatus(status: answer.status, body: answer.body) }
        return try answer.json
    }

    /// Calls `method` and returns its `result`, failing when the call answered an error.
    func result(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
        let response = try await call(method, params)
        guard let result = response["result"] else { throw UnexpectedError(response: response) }
        return result
    }

    struct UnexpectedStatus: Error, CustomStringConvertible {
        var status: Int
        var body: String
        var description: String { "HTTP \(status): \(body)" }
    }

    struct UnexpectedError: Error, CustomStringConvertible {
        var response: JSONValue
        var description: String { "expected a result, got \(response.jsonString())" }
    }
}

/// A finished async sequence of the array's elements.
struct AsyncArray<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<Element>
        mutating func next() async -> Element? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: elements[...]) }
}

extension Array where Element: Sendable {
    var async: AsyncArray<Element> { AsyncArray(elements: self) }
}
