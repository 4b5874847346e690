import FixtureServer
import Foundation
@testable import Headless
import Logging
import RenderTypes

/// Real Chromium plus the fixture site for executor tests: a `Renderer` on a context provider, the
/// fixture server, and helpers to build configs from their wire JSON.
enum RenderHarness {
    struct Context: Sendable {
        let renderer: Renderer
        let server: FixtureServer
        let browser: LaunchedBrowser

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
    }

    @discardableResult
    static func with<T: Sendable>(
        configuration: Renderer.Configuration = Renderer.Configuration(actionTimeout: .seconds(2)),
        _ body: (Context) async throws -> T
    ) async throws -> T {
        try await FixtureServer.withRunning { server in
            try await TestBrowsers.with { browser in
                let provider = DirectContextProvider(
                    connection: browser.connection, browserUserAgent: browser.version.userAgent
                )
                let renderer = Renderer(provider: provider, configuration: configuration, logger: TestBrowsers.logger)
                return try await body(Context(renderer: renderer, server: server, browser: browser))
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

    enum HarnessError: Error { case expectedFailure }
}
