import Foundation
import Logging
import RenderTypes
import RpcClient
import SessionContext
@testable import RpcServer

/// A real Tidepool server (the RpcServer library's HTTP app) on 127.0.0.1 and an ephemeral port,
/// in this process, for one test; with its own metrics registry, so its requests can be counted.
struct TidepoolTestServer: ServerEndpoint {
    let baseURL: String
    let server: TidepoolServer
    let metrics: ServerMetrics

    /// The server's session store, to check what calls left there.
    var store: RpcSessionStore<AnySessionBackend> { server.sessions.store }

    /// JSON-RPC calls the server has answered so far (every method, every outcome).
    var requestCount: Int {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        return text.split(separator: "\n")
            .filter { $0.hasPrefix(RpcMetrics.requestsLabel + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }

    /// Runs `body` against a fresh server (in-memory sessions) and shuts it down afterwards.
    static func run(
        token: String? = nil,
        sessions: SessionsConfiguration = SessionsConfiguration(backend: .memory, healthCountMaxAge: .zero),
        engine: RpcEngine.Configuration = RpcEngine.Configuration(),
        clock: any WallClock = SystemWallClock(),
        _ body: (TidepoolTestServer) async throws -> Void
    ) async throws {
        let logger = silentLogger("tidepool.client-test.server")
        let metrics = ServerMetrics()
        let server = try await TidepoolServer.make(
            configuration: .init(http: HTTPConfiguration(port: 0, bearerToken: token), sessions: sessions, engine: engine),
            metrics: metrics, clock: clock, logger: logger
        )
        try await withListeningService(logger: logger, { server.application(onServerRunning: $0) }) { port in
            try await body(TidepoolTestServer(baseURL: "http://127.0.0.1:\(port)", server: server, metrics: metrics))
        }
    }
}

extension RpcClient.Configuration {
    /// Test defaults: warnings only in the log, a short deadline so a broken test fails quickly.
    static var quietTest: Self {
        var logger = Logger(label: "tidepool.client-test")
        logger.logLevel = .warning
        return Self(timeout: .seconds(20), logger: logger)
    }

    /// `quietTest` with `changes` applied.
    static func testing(_ changes: (inout Self) -> Void) -> Self {
        var configuration = quietTest
        changes(&configuration)
        return configuration
    }
}
