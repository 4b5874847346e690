import Foundation
import Hummingbird
import Logging
import NIOCore
import RenderTypes
import RpcClient
import RpcServer
import Synchronization
import TestSupport

/// What the scripted server answers to one POST /rpc.
struct ScriptedAnswer: Sendable {
    var status: HTTPResponse.Status = .ok
    var body: String
    /// Held this long before answering.
    var delay: Duration = .zero

    /// A JSON-RPC result for id 1.
    static func result(_ result: JSONValue, id: JSONValue = 1) -> Self {
        Self(body: JSONValue.object(["jsonrpc": "2.0", "id": id, "result": result]).jsonString())
    }

    /// A JSON-RPC error for id 1.
    static func error(_ code: RpcErrorCode, data: JSONValue? = nil, id: JSONValue = 1) -> Self {
        var error: [String: JSONValue] = ["code": .int(code.rawValue), "message": .string(code.defaultMessage)]
        if let data { error["data"] = data }
        return Self(body: JSONValue.object(["jsonrpc": "2.0", "id": id, "error": .object(error)]).jsonString())
    }
}

/// A tiny HTTP server (Hummingbird) on 127.0.0.1 whose POST /rpc answers come from a script,
/// for what a real Tidepool server cannot be made to do on cue: answer -32006 exactly twice,
/// answer slowly, answer garbage. It records every request it gets.
final class ScriptedRpcServer: HTTPEndpoint, Sendable {
    /// One request as it arrived.
    struct Received: Sendable {
        let at: ContinuousClock.Instant
        let body: JSONValue
    }

    /// Every request received, shared with the route handler.
    final class RequestLog: Sendable {
        let entries = Mutex<[Received]>([])

        /// Appends `body`; returns its number (from 0).
        func append(_ body: JSONValue) -> Int {
            entries.withLock { entries in
                entries.append(Received(at: .now, body: body))
                return entries.count - 1
            }
        }
    }

    let baseURL: String
    private let log: RequestLog

    private init(baseURL: String, log: RequestLog) {
        self.baseURL = baseURL
        self.log = log
    }

    /// The requests received so far, in arrival order.
    var requests: [Received] { log.entries.withLock { $0 } }
    var requestCount: Int { log.entries.withLock { $0.count } }

    /// Runs `body` while a server answers request number n (from 0), whose JSON is `request`,
    /// with `script(n, request)`.
    static func run(
        _ script: @escaping @Sendable (_ n: Int, _ request: JSONValue) -> ScriptedAnswer,
        _ body: (ScriptedRpcServer) async throws -> Void
    ) async throws {
        let logger = testLogger("tidepool.client-test.scripted", level: .critical)
        let log = RequestLog()
        let router = Router()
        router.post("/rpc") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let json = (try? JSONValue(parsing: Data(bytes.readableBytesView))) ?? .null
            let n = log.append(json)
            let answer = script(n, json)
            if answer.delay > .zero { try? await Task.sleep(for: answer.delay) }
            return Response(
                status: answer.status, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: answer.body))
            )
        }
        let configuration = ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0))
        try await withRunningService(logger: logger, { onRunning in
            Application(router: router, configuration: configuration, onServerRunning: onRunning, logger: logger)
        }) { port in
            try await body(ScriptedRpcServer(baseURL: "http://127.0.0.1:\(port)", log: log))
        }
    }
}
