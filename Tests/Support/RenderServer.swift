package import FixtureServer
import Egress
import Foundation
package import Headless
package import Logging
package import Rendering
package import RenderTypes
package import RpcServer
package import SessionContext

/// A real Tidepool server with a real browser pool (one headless-shell browser, four contexts, one
/// prewarmed) and the fixture site on 127.0.0.1, for one test. Every browser is closed and the
/// temporary directory removed before `with` returns, also when the body throws.
package struct RenderServer {
    package let server: TestServer
    package let site: FixtureServer
    /// Temporary directory of the pool's browsers and the server's data (profiles).
    package let tmp: String

    package var pool: BrowserPool { server.server.renders!.pool }
    package var renders: RenderService { server.server.renders! }
    package var store: RpcSessionStore<AnySessionBackend> { server.store }

    package func url(_ path: String) -> String { site.url(path) }

    /// Runs `body` against a server with a pool (`adjustPool` may change its config) and the fixture
    /// site (`site`, or a fresh one); starts once a browser is ready with a warm context (none when
    /// the config prewarms none; no wait at all when `waitForBrowser` is false), and shuts everything
    /// down afterwards.
    package static func with(
        http: HTTPConfiguration = HTTPConfiguration(port: 0),
        sessions adjustSessions: (inout SessionsConfiguration) -> Void = { _ in },
        pool adjustPool: (inout BrowserPoolConfig) -> Void = { _ in },
        render: RenderService.Configuration = RenderService.Configuration(
            renderer: Renderer.Configuration(actionTimeout: .seconds(2))),
        clock: any WallClock = SystemWallClock(),
        metrics: ServerMetrics = ServerMetrics(),
        logger: Logger = testLogger(),
        waitForBrowser: Bool = true,
        site: FixtureServer? = nil,
        _ body: (RenderServer) async throws -> Void
    ) async throws {
        let tmp = try TemporaryDirectory(prefix: "tidepool-render-test")
        defer { tmp.remove() }
        var config = TestPools.config(tmp: tmp.path, contextsPerBrowser: 4)
        adjustPool(&config)
        var sessions = SessionsConfiguration(backend: .memory, dataDirectory: tmp.path + "/data", healthCountMaxAge: .zero)
        adjustSessions(&sessions)
        let pool = BrowserPool(
            config: config, metrics: metrics.factory, resolver: StaticHostResolver.loopbackOnly(), logger: logger)
        func run(_ site: FixtureServer) async throws {
            try await TestServer.run(
                http: http, sessions: sessions, clock: clock, metrics: metrics, pool: pool, render: render, logger: logger
            ) { server in
                let context = RenderServer(server: server, site: site, tmp: tmp.path)
                if waitForBrowser {
                    // A warm context too, unless the config prewarms none.
                    let warm = min(1, config.prewarmContexts)
                    try await eventually("a ready browser with \(warm) warm context") {
                        let stats = pool.stats()
                        return stats.readyBrowsers >= 1 && stats.contextsIdle >= warm
                    }
                }
                try await body(context)
            }
        }
        if let site {
            try await run(site)
        } else {
            try await FixtureServer.withRunning { site in try await run(site) }
        }
    }

    /// Calls `render` with `params` (url given as a fixture path) and returns the whole response.
    package func render(_ path: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        var all = params
        all["url"] = .string(path.hasPrefix("/") ? url(path) : path)
        return try await server.call("render", .object(all))
    }

    /// Calls `render` and returns its result, failing when it answered an error.
    package func rendered(_ path: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        let response = try await render(path, params)
        guard let result = response["result"] else { throw UnexpectedError(response: response) }
        return result
    }
}

/// The login flow's actions: type the user and the password, submit, wait for the dashboard.
package func loginActions(user: String) -> JSONValue {
    [
        ["type": "type", "selector": "#username", "text": .string(user)],
        ["type": "type", "selector": "#password", "text": .string(FixtureAccounts.password)],
        ["type": "click", "selector": "#submit"],
        ["type": "wait", "condition": ["type": "selector", "selector": "#user"]],
    ]
}
