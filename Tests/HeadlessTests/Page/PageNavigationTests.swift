import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    @Suite("Page: navigation and content", .serialized)
    struct PageNavigationTests {
        @Test func navigateWaitsForLoadAndReadsContent() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/static.html")
                let html = try await c.page.content()
                #expect(html.hasPrefix("<!DOCTYPE html>"))
                #expect(html.contains("<h1 id=\"title\">Static fixture page</h1>"))
                #expect(try await c.page.title() == "Tidepool Fixture: Static Page")
                #expect(c.page.documentStatus() == 200)
            }
        }

        @Test func documentStatusReportsHttpErrors() async throws {
            try await PageHarness.with { c in
                let navigation = try await c.page.navigate(to: c.url("/status/404"))
                try await c.page.waitFor(.load, loaderId: navigation.loaderId)
                #expect(c.page.documentStatus(loaderId: navigation.loaderId) == 404)
            }
        }

        @Test func refusedConnectionIsNavigationFailureWithNetError() async throws {
            try await withRefusingPort { port in
                let url = "http://127.0.0.1:\(port)/"
                try await PageHarness.with { c in
                    await #expect(throws: PageError.navigationFailed(url: url, netError: "net::ERR_CONNECTION_REFUSED")) {
                        _ = try await c.page.navigate(to: url)
                    }
                }
            }
        }

        @Test func evaluateReturnsJSONAndReportsExceptions() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/static.html")
                let value = try await c.page.evaluate("({ a: 1, b: [true, 'x'], c: null })")
                #expect(value == ["a": 1, "b": [true, "x"], "c": nil])
                #expect(try await c.page.evaluate("Promise.resolve(41 + 1)") == 42)
                #expect(try await c.page.evaluate("undefined") == .null)
                do {
                    _ = try await c.page.evaluate("(() => { throw new TypeError('nope') })()")
                    Issue.record("expected a JavaScript error")
                } catch let error as PageError {
                    #expect(error == .javascriptError("TypeError: nope"))
                }
            }
        }

        @Test func waitForLoadTimesOutOnNeverEndingPage() async throws {
            try await PageHarness.with { c in
                let navigation = try await c.page.navigate(to: c.url("/hang.html"))
                try await c.page.waitFor(.domContentLoaded, loaderId: navigation.loaderId, timeout: .seconds(5))
                do {
                    try await c.page.waitFor(.load, loaderId: navigation.loaderId, timeout: .milliseconds(600))
                    Issue.record("load fired on a page that never finishes")
                } catch let error as PageError {
                    guard case .timeout(let operation, let afterMs) = error else {
                        Issue.record("unexpected \(error)")
                        return
                    }
                    #expect(operation == "waiting for load")
                    #expect(afterMs >= 600)
                }
            }
        }
    }
}
