import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    @Suite("Page: waits", .serialized)
    struct PageWaitTests {
        @Test func waitForSelectorSeesContentInjectedAfterDelay() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/delayed.html?ms=400")
                #expect(try await c.page.evaluate("!!document.querySelector('#late')") == false)
                try await c.page.waitForSelector("#late", visible: true, timeout: .seconds(5))
                #expect(try await c.page.evaluate("document.querySelector('#late').textContent") == "Late content arrived")
            }
        }

        @Test func visibleSelectorWaitIgnoresHiddenElement() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/delayed.html?ms=100")
                try await c.page.waitForSelector("#late-hidden", visible: false, timeout: .seconds(5))
                await #expect(throws: PageError.self) {
                    try await c.page.waitForSelector("#late-hidden", visible: true, timeout: .milliseconds(400))
                }
            }
        }

        @Test func selectorThatNeverAppearsTimesOut() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/static.html")
                do {
                    try await c.page.waitForSelector("#never", timeout: .milliseconds(300))
                    Issue.record("found an element that does not exist")
                } catch let error as PageError {
                    guard case .timeout(let operation, _) = error else { throw error }
                    #expect(operation.contains("#never"))
                }
            }
        }

        @Test func invalidSelectorIsAnInvalidArgument() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/static.html")
                do {
                    try await c.page.waitForSelector("##bad[", timeout: .seconds(2))
                    Issue.record("an invalid selector was accepted")
                } catch let error as PageError {
                    guard case .invalidArgument = error else { throw error }
                }
            }
        }

        @Test func waitForFunctionWaitsForPredicate() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/delayed.html?ms=300")
                try await c.page.waitForFunction("window.lateReady === true;", timeout: .seconds(5))
                #expect(try await c.page.evaluate("window.lateReady") == true)
            }
        }

        @Test func waitForFunctionReportsLastErrorOnTimeout() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/static.html")
                do {
                    try await c.page.waitForFunction("document.querySelector('#nope').textContent === 'x'", timeout: .milliseconds(300))
                    Issue.record("predicate on a missing element held")
                } catch let error as PageError {
                    guard case .timeout(let operation, _) = error else { throw error }
                    #expect(operation.contains("TypeError"))
                }
            }
        }

        @Test func networkIdleWaitsForDelayedFetch() async throws {
            try await PageHarness.with { c in
                _ = try await c.page.navigate(to: c.url("/fetch.html?ms=600"))
                try await c.page.waitForNetworkIdle(idle: .milliseconds(300), timeout: .seconds(10))
                #expect(c.page.requestsInFlight == 0)
                let items = try await c.page.evaluate("Array.from(document.querySelectorAll('.fetched')).map(e => e.textContent)")
                #expect(items == ["alpha", "beta", "gamma"])
            }
        }

        @Test func networkIdleNeverComesOnHangingRequest() async throws {
            try await PageHarness.with { c in
                _ = try await c.page.navigate(to: c.url("/hang.html"))
                await #expect(throws: PageError.self) {
                    try await c.page.waitForNetworkIdle(idle: .milliseconds(200), timeout: .milliseconds(800))
                }
                #expect(c.page.requestsInFlight >= 1)
            }
        }

        @Test func selectorWaitWorksWithJavaScriptOff() async throws {
            try await PageHarness.with { c in
                try await c.page.setJavaScriptEnabled(false)
                try await PageHarness.load(c, "/static.html")
                #expect(try await c.page.evaluate("document.getElementById('js-status').textContent") == "off")
                try await c.page.waitForSelector("#intro", visible: true, timeout: .seconds(2))
                await #expect(throws: PageError.self) {
                    try await c.page.waitForSelector("#never", timeout: .milliseconds(200))
                }
            }
        }

        /// The page waits that sleep on the page's events, not on a page call.
        enum EventWait: String, CaseIterable, Sendable { case load, networkIdle }

        @Test(arguments: EventWait.allCases)
        func cancelledEventWaitThrowsCancelledNotTimeout(_ wait: EventWait) async throws {
            try await PageHarness.with { c in
                _ = try await c.page.navigate(to: c.url("/hang.html"))
                let waiting = Task {
                    switch wait {
                    case .load: try await c.page.waitFor(.load, timeout: .seconds(60))
                    case .networkIdle: try await c.page.waitForNetworkIdle(idle: .milliseconds(200), timeout: .seconds(60))
                    }
                }
                try await eventually("the wait suspended") {
                    c.page.monitor.read { $0.waiters.values.contains { $0.continuation != nil } }
                }
                waiting.cancel()
                await #expect(throws: PageError.cancelled) { try await waiting.value }
            }
        }

        @Test func selectorWaitOfACancelledTaskThrowsCancelledNotTimeout() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/static.html")
                let waiting = Task {
                    withUnsafeCurrentTask { $0?.cancel() }
                    try await c.page.waitForSelector("#never", timeout: .seconds(60))
                }
                await #expect(throws: PageError.cancelled) { try await waiting.value }
            }
        }
    }
}
