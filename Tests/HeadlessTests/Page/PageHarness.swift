import FixtureServer
import Foundation
@testable import Headless
import TestSupport

/// Real Chromium plus the fixture site for page-driver tests: a browser, a fresh isolated context with
/// one attached page, a driver on it. Everything is closed before `with` returns, also on failure.
enum PageHarness {
    struct Context: Sendable {
        let page: Page
        let server: FixtureServer
        let browser: LaunchedBrowser
        let browserContextId: String

        func url(_ path: String) -> String { server.url(path) }
    }

    @discardableResult
    static func with<T: Sendable>(
        configuration: Page.Configuration = Page.Configuration(defaultTimeout: .seconds(10)),
        _ body: (Context) async throws -> T
    ) async throws -> T {
        try await FixtureServer.withRunning { server in
            try await TestBrowsers.with { browser in
                let (session, contextId) = try await TestBrowsers.openPage(in: browser)
                return try await Page.with(
                    session: session, browserContextId: contextId, configuration: configuration,
                    logger: testLogger()
                ) { page in
                    try await page.enableEvents(network: true, console: true)
                    return try await body(Context(page: page, server: server, browser: browser, browserContextId: contextId))
                }
            }
        }
    }

    /// Loads `path` of the fixture site and waits for its load event.
    static func load(_ context: Context, _ path: String) async throws {
        let navigation = try await context.page.navigate(to: context.url(path))
        try await context.page.waitFor(.load, loaderId: navigation.loaderId)
    }
}
