import Foundation
@testable import Headless
import TestSupport

/// Launch helpers for tests that need a real Chromium: every browser a test starts is closed (and
/// its process group reaped) before the helper returns, also when the test body throws.
enum TestBrowsers {
    /// Launches a browser, runs `body`, closes the browser.
    static func with<T>(
        _ options: LaunchOptions = LaunchOptions(),
        _ body: (LaunchedBrowser) async throws -> T
    ) async throws -> T {
        let browser = try await BrowserLauncher.launch(options, logger: testLogger())
        do {
            let result = try await body(browser)
            await browser.close()
            return result
        } catch {
            await browser.close()
            throw error
        }
    }

    /// A fresh isolated context with one attached page, `Page.enable` done (what a pool lease is,
    /// without the pool): the page's session and the context's id.
    static func openPage(in browser: LaunchedBrowser) async throws -> (session: CDPSession, browserContextId: String) {
        let context = try await browser.connection.send(CDP.Target.CreateBrowserContext())
        let session = try await browser.connection.openPage(in: context.browserContextId, timeout: .seconds(10))
        return (session, context.browserContextId)
    }
}
