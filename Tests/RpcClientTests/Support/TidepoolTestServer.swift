import Foundation
import Headless
import Logging
@testable import Rendering
import RenderTypes
import RpcClient
@testable import RpcServer
import SessionContext

/// A real Tidepool server (the RpcServer library's HTTP app) on 127.0.0.1 and an ephemeral port,
/// in this process, for one test; with its own metrics registry, so its requests can be counted.
struct TidepoolTestServer: ServerEndpoint {
    let baseURL: String
    let server: TidepoolServer
    let metrics: ServerMetrics

    /// The server's browser pool, when it has one.
    var pool: BrowserPool? { server.renders?.pool }

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
        pool: BrowserPool? = nil,
        _ body: (TidepoolTestServer) async throws -> Void
    ) async throws {
        let logger = silentLogger("tidepool.client-test.server")
        let metrics = ServerMetrics()
        let server = try await TidepoolServer.make(
            configuration: .init(http: HTTPConfiguration(port: 0, bearerToken: token), sessions: sessions, engine: engine),
            pool: pool, metrics: metrics, clock: clock, logger: logger
        )
        try await withListeningService(logger: logger, { server.application(onServerRunning: $0) }) { port in
            try await body(TidepoolTestServer(baseURL: "http://127.0.0.1:\(port)", server: server, metrics: metrics))
        }
    }
}

extension TidepoolTestServer {
    /// Runs `body` against a server with a real browser pool — one headless-shell browser, four
    /// contexts, one prewarmed (`adjustPool` may change that) — once a browser is ready. The
    /// server's shutdown closes every browser the pool started.
    static func runWithBrowsers(
        clock: any WallClock = SystemWallClock(),
        pool adjustPool: (inout BrowserPoolConfig) -> Void = { _ in },
        _ body: (TidepoolTestServer) async throws -> Void
    ) async throws {
        let directory = NSTemporaryDirectory() + "tidepool-client-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = BrowserPoolConfig(
            minPoolSize: 1, maxPoolSize: 1, initialPoolSize: 1, contextsPerBrowser: 4, prewarmContexts: 1,
            healthCheckInterval: .seconds(3600), restartBackoff: .milliseconds(50),
            launch: LaunchOptions(temporaryDirectory: directory)
        )
        adjustPool(&config)
        let pool = BrowserPool(config: config, logger: silentLogger("tidepool.client-test.pool"))
        let sessions = SessionsConfiguration(backend: .memory, dataDirectory: directory + "/data", healthCountMaxAge: .zero)
        try await run(sessions: sessions, clock: clock, pool: pool) { server in
            try await eventually("a ready browser") { pool.stats().readyBrowsers >= 1 }
            try await body(server)
        }
    }
}

/// Polls `condition` every 10 ms until it holds; throws after `timeout` (a bound, not a timed assertion).
func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now > deadline { throw TestSupportError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
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
