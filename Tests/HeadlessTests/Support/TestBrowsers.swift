import Foundation
@testable import Headless
import Logging

/// Launch helpers for tests that need a real Chromium: every browser a test starts is closed (and
/// its process group reaped) before the helper returns, also when the test body throws.
enum TestBrowsers {
    static let logger: Logger = {
        var logger = Logger(label: "tidepool.test")
        logger.logLevel = .warning
        return logger
    }()

    /// Launches a browser, runs `body`, closes the browser.
    static func with<T>(
        _ options: LaunchOptions = LaunchOptions(),
        _ body: (LaunchedBrowser) async throws -> T
    ) async throws -> T {
        let browser = try await BrowserLauncher.launch(options, logger: logger)
        do {
            let result = try await body(browser)
            await browser.close()
            return result
        } catch {
            await browser.close()
            throw error
        }
    }

    /// A fresh context with one attached page (what a pool lease is, without the pool).
    static func openPage(in browser: LaunchedBrowser) async throws -> CDPSession {
        let connection = browser.connection
        let context = try await connection.send(CDP.Target.CreateBrowserContext())
        let target = try await connection.send(
            CDP.Target.CreateTarget(url: "about:blank", browserContextId: context.browserContextId))
        let page = try await connection.attach(toTarget: target.targetId)
        _ = try await page.send(CDP.Page.Enable())
        return page
    }

    /// A unique empty directory under /tmp for one test.
    static func makeTemporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "tidepool-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A directory removed when the last reference goes (a suite instance holds one per test).
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = try TestBrowsers.makeTemporaryDirectory()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
