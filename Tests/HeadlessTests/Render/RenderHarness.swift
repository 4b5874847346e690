import Egress
import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import TestSupport

/// Real Chromium plus the fixture site for executor tests: a `Renderer` on a context provider, the
/// fixture server, and helpers to build configs from their wire JSON.
enum RenderHarness {
    struct Context: Sendable {
        let renderer: Renderer
        let server: FixtureServer
        let pool: BrowserPool
        /// Temporary directory of the pool's browser profiles (to find leftover processes).
        let tmp: String

        func url(_ path: String) -> String { server.url(path) }

        /// Renders a fixture path with a config given as wire JSON.
        func render(
            _ path: String, _ json: String = "{}", stealth: StealthConfig = .default, seed: String? = nil,
            state: BrowserState? = nil, collectState: Bool = false
        ) async throws -> RenderOutcome {
            try await renderer.render(
                RenderRequest(
                    url: url(path), config: try RenderHarness.config(json), stealth: stealth, stealthSeed: seed,
                    state: state, collectState: collectState
                )
            )
        }

        /// The pid of the pool's (one) ready browser.
        func browserPid() throws -> Int32 {
            guard let pid = pool.stats().browsers.first(where: { $0.state == "ready" })?.pid else {
                throw HarnessError.noBrowser
            }
            return pid
        }
    }

    /// A renderer on a real `BrowserPool` (one browser, four contexts, one prewarmed; `adjustPool` may
    /// change its config) and a fixture server.
    @discardableResult
    static func with<T: Sendable>(
        configuration: Renderer.Configuration = Renderer.Configuration(actionTimeout: .seconds(2)),
        engine: BrowserEngine = .headlessShell,
        egress: EgressPolicy? = TestPools.loopbackEgress,
        resolver: any HostResolver = SystemHostResolver(),
        pool adjustPool: (inout BrowserPoolConfig) -> Void = { _ in },
        _ body: (Context) async throws -> T
    ) async throws -> T {
        let tmp = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        var config = TestPools.config(tmp: tmp, contextsPerBrowser: 4, egress: egress)
        config.launch.engine = engine
        adjustPool(&config)
        return try await FixtureServer.withRunning { server in
            try await TestPools.with(config, resolver: resolver) { pool in
                // Deadlines in these tests count queue time: start once a browser and a warm context are ready.
                try await TestPools.waitUntil(pool, "a ready browser with a warm context") {
                    $0.readyBrowsers >= 1 && $0.contextsIdle >= 1
                }
                let renderer = Renderer(provider: pool, configuration: configuration, logger: testLogger())
                return try await body(Context(renderer: renderer, server: server, pool: pool, tmp: tmp))
            }
        }
    }

    /// A `DynamicConfig` decoded strictly from its wire JSON.
    static func config(_ json: String) throws -> DynamicConfig {
        try StrictJSONDecoder().decode(DynamicConfig.self, from: Data(json.utf8))
    }

    /// Expects `body` to throw a `RenderError` and returns it.
    static func renderError(_ body: () async throws -> RenderOutcome) async throws -> RenderError {
        do {
            _ = try await body()
        } catch let error as RenderError {
            return error
        }
        throw HarnessError.expectedFailure
    }

    enum HarnessError: Error { case expectedFailure, noBrowser }
}
