import FixtureServer
import Foundation
import Headless
import Logging
@testable import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing

/// Parent of every RpcServer suite that starts real Chromium: serialized as a whole, so these suites
/// never run browsers in parallel with each other on the 2-core machine.
@Suite(.serialized) enum BrowserSuites {}

/// A real Tidepool server with a real browser pool (one headless-shell browser, four contexts, one
/// prewarmed) and the fixture site on 127.0.0.1, for one test.
struct RenderServer {
    let server: TestServer
    let site: FixtureServer
    /// Temporary directory of the pool's browsers and the server's data (profiles).
    let tmp: String

    var pool: BrowserPool { server.server.renders!.pool }
    var renders: RenderService { server.server.renders! }
    var store: RpcSessionStore<AnySessionBackend> { server.store }

    func url(_ path: String) -> String { site.url(path) }

    /// The pool configuration of these tests.
    static func poolConfig(tmp: String) -> BrowserPoolConfig {
        BrowserPoolConfig(
            minPoolSize: 1, maxPoolSize: 1, initialPoolSize: 1, contextsPerBrowser: 4, prewarmContexts: 1,
            healthCheckInterval: .seconds(3600), restartBackoff: .milliseconds(50),
            launch: LaunchOptions(temporaryDirectory: tmp))
    }

    /// Runs `body` against a server with a pool (`adjust` may change its config) and the fixture site;
    /// starts once a browser is ready, and shuts everything down afterwards.
    static func with(
        sessions adjustSessions: (inout SessionsConfiguration) -> Void = { _ in },
        pool adjustPool: (inout BrowserPoolConfig) -> Void = { _ in },
        render: RenderService.Configuration = RenderService.Configuration(
            renderer: Renderer.Configuration(actionTimeout: .seconds(2))),
        clock: any WallClock = SystemWallClock(),
        metrics: ServerMetrics = ServerMetrics(),
        logger: Logger = TestServer.logger,
        waitForBrowser: Bool = true,
        site: FixtureServer? = nil,
        _ body: (RenderServer) async throws -> Void
    ) async throws {
        let tmp = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        var config = poolConfig(tmp: tmp)
        adjustPool(&config)
        var sessions = SessionsConfiguration(backend: .memory, dataDirectory: tmp + "/data", healthCountMaxAge: .zero)
        adjustSessions(&sessions)
        let pool = BrowserPool(config: config, logger: logger)
        func run(_ site: FixtureServer) async throws {
            try await TestServer.run(
                sessions: sessions, clock: clock, metrics: metrics, pool: pool, render: render, logger: logger
            ) { server in
                let context = RenderServer(server: server, site: site, tmp: tmp)
                if waitForBrowser {
                    try await eventually("a ready browser with a warm context") {
                        let stats = pool.stats()
                        return stats.readyBrowsers >= 1 && stats.contextsIdle >= 1
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
    func render(_ path: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        var all = params
        all["url"] = .string(path.hasPrefix("/") ? url(path) : path)
        return try await server.call("render", .object(all))
    }

    /// Calls `render` and returns its result, failing when it answered an error.
    func rendered(_ path: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
        let response = try await render(path, params)
        guard let result = response["result"] else { throw UnexpectedError(response: response) }
        return result
    }

    /// Calls `render` expecting an error and returns the error object.
    func renderError(
        _ path: String, _ params: [String: JSONValue] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let response = try await render(path, params)
        return try #require(response["error"], "expected an error: \(response.jsonString())", sourceLocation: sourceLocation)
    }

    /// A fresh directory under the system's temporary directory.
    static func makeTemporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "tidepool-render-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Polls `condition` until it is true (bounded: throws after `timeout`). Polling, not a timed assertion.
func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now > deadline { throw PollTimeout(what: what) }
        try await Task.sleep(for: .milliseconds(10))
    }
}

struct PollTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// The login flow's actions: type the user and the password, submit, wait for the dashboard.
func loginActions(user: String) -> JSONValue {
    [
        ["type": "type", "selector": "#username", "text": .string(user)],
        ["type": "type", "selector": "#password", "text": .string(FixtureAccounts.password)],
        ["type": "click", "selector": "#submit"],
        ["type": "wait", "condition": ["type": "selector", "selector": "#user"]],
    ]
}

extension RenderService {
    /// One `render` call served as the JSON-RPC method serves it: a failure is the wire's error object.
    func render(_ params: RenderParams, logger: Logger) async throws -> DynamicRenderResult {
        let calls = RenderCalls(renders: self, errors: RenderErrorMetrics(factory: ServerMetrics().factory))
        return try await calls.serve(params, logger: logger)
    }
}
