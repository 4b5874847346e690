package import Headless
package import Logging
package import Rendering
import RenderTypes
package import RpcServer
package import SessionContext

/// A real Tidepool server (the RpcServer library's HTTP app) on 127.0.0.1 and an ephemeral port, in
/// this process, for one test; with its own metrics registry, so its figures are its own.
package struct TestServer: HTTPEndpoint {
    package let baseURL: String
    package let server: TidepoolServer
    package let metrics: ServerMetrics

    /// The server's session store, to check what calls left there.
    package var store: RpcSessionStore<AnySessionBackend> { server.sessions.store }

    /// The server's browser pool, when it has one.
    package var pool: BrowserPool? { server.renders?.pool }

    /// JSON-RPC calls the server has answered so far (every method, every outcome).
    package var requestCount: Int {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        return text.split(separator: "\n")
            .filter { $0.hasPrefix(RpcMetrics.requestsLabel + "{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }

    /// Runs `body` against a fresh server (in-memory sessions unless `sessions` says otherwise; a
    /// browser pool it runs, when given), then shuts it down gracefully. A postgres backend without
    /// a URL gets a fresh database on the shared test server, and `body` runs once the store is
    /// reachable; with a URL, at once (tests of a database that is down).
    package static func run(
        http: HTTPConfiguration = HTTPConfiguration(port: 0),
        sessions: SessionsConfiguration = SessionsConfiguration(backend: .memory, healthCountMaxAge: .zero),
        engine: RpcEngine.Configuration = RpcEngine.Configuration(),
        clock: any WallClock = SystemWallClock(),
        metrics: ServerMetrics = ServerMetrics(),
        pool: BrowserPool? = nil,
        render: RenderService.Configuration = .init(),
        logger: Logger = testLogger(),
        _ body: (TestServer) async throws -> Void
    ) async throws {
        if sessions.backend == .postgres, sessions.databaseURL == nil {
            try await TestPostgres.withDatabase { url in
                var sessions = sessions
                sessions.databaseURL = url
                try await run(
                    http: http, sessions: sessions, engine: engine, clock: clock, metrics: metrics, pool: pool,
                    render: render, logger: logger
                ) { server in
                    try await eventually("the session database is ready") { await server.server.health.report().sessions.ok }
                    try await body(server)
                }
            }
            return
        }
        let server = try await TidepoolServer.make(
            configuration: .init(http: http, sessions: sessions, engine: engine, render: render), pool: pool,
            metrics: metrics, clock: clock, logger: logger
        )
        try await server.withRunning { port in
            try await body(TestServer(baseURL: "http://127.0.0.1:\(port)", server: server, metrics: metrics))
        }
    }
}
