import FixtureServer
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    /// Windows a page opens are reported by URL and closed at once: none keeps running.
    @Suite("Render: popups", .serialized)
    struct RenderPopupTests {
        @Test func thirtyPopupsAreReportedAndNoneKeepsRunning() async throws {
            try await RenderHarness.with { c in
                // Each popup calls /api/beacon on load and every 50 ms after: left open for the second the
                // render waits, 30 of them would call it some 600 times; closed at once, about once each.
                // A long timeout: thirty windows loading at once took the page's load past the default 30 s
                // once, on a machine loaded by a build as well as the suite.
                let json = #"{"timeout_ms": 90000, "actions": [{"type": "wait", "condition": {"type": "delay", "ms": 1000}}]}"#
                let result = try await c.render("/hostile/popups.html?n=30", json).result
                #expect(result.popups == (0..<30).map { c.url("/hostile/popup.html?i=\($0)") })
                let beacons = c.server.counter.count(path: "/api/beacon")
                #expect(beacons < 90)
                try await Task.sleep(for: .milliseconds(300))
                #expect(c.server.counter.count(path: "/api/beacon") == beacons)
            }
        }

        @Test func aTargetBlankLinkOpensAReportedPopup() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "click", "selector": "#blank"}]}"##
                let result = try await c.render("/hostile/popups.html?n=0", json).result
                #expect(result.actionsExecuted.first?.ok == true)
                #expect(result.popups == [c.url("/hostile/popup.html?from=link")])
            }
        }

        /// `wait_for: popup` waits for a window the page opens late; without it the capture comes first.
        @Test func waitForPopupWaitsForAWindowOpenedAfterLoad() async throws {
            try await RenderHarness.with { c in
                let page = "/hostile/popups.html?n=1&after_ms=2000"
                let waited = try await c.render(page, #"{"wait_for": {"type": "popup", "timeout_ms": 10000}}"#).result
                #expect(waited.popups == [c.url("/hostile/popup.html?i=0")])
                #expect(waited.waitConditionsMet == ["popup"])
                let unwaited = try await c.render(page, #"{"wait_for": {"type": "load"}}"#).result
                #expect(unwaited.popups.isEmpty)
            }
        }

        /// Asking for more windows than the page opens ends the wait at its timeout.
        @Test func waitingForMorePopupsThanThePageOpensTimesOut() async throws {
            try await RenderHarness.with { c in
                let json = #"{"wait_for": {"type": "popup", "count": 2, "timeout_ms": 700}}"#
                let failure = try await RenderHarness.renderError { try await c.render("/hostile/popups.html?n=1", json) }
                guard case .timeout(let stage, _) = failure else {
                    Issue.record("expected a wait timeout, got \(failure)")
                    return
                }
                #expect(stage == .wait)
            }
        }
    }
}
