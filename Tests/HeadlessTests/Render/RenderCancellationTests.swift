import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    /// A render whose task is cancelled ends as `cancelled` in the stage it was in — never as a crash
    /// (which clients retry), an internal error, a timeout or a failed action — and gives its context back.
    @Suite("Render: cancellation", .serialized)
    struct RenderCancellationTests {
        /// A JavaScript condition that holds at once and tells the fixture server it ran (/api/ping): the
        /// signal that the stage under test is running.
        static let ping = ##"{"type": "javascript", "expression": "(fetch('/api/ping'), true)"}"##

        @Test func cancelDuringADelayWaitIsCancelledInStageWait() async throws {
            let json = ##"{"timeout_ms": 90000, "wait_for": {"type": "all", "conditions": [{"type": "delay", "ms": 60000}, \##(Self.ping)]}}"##
            try await Self.expectCancelled(in: .wait, rendering: "/static.html", json)
        }

        @Test func cancelDuringASelectorWaitThatNeverHoldsIsCancelledInStageWait() async throws {
            let json = ##"{"timeout_ms": 90000, "wait_for": {"type": "all", "conditions": [{"type": "selector", "selector": "#never"}, \##(Self.ping)]}}"##
            try await Self.expectCancelled(in: .wait, rendering: "/static.html", json)
        }

        @Test func cancelDuringALoadWaitThatNeverHoldsIsCancelledInStageWait() async throws {
            let json = ##"{"timeout_ms": 90000, "wait_for": {"type": "all", "conditions": [{"type": "load"}, \##(Self.ping)]}}"##
            try await Self.expectCancelled(in: .wait, rendering: "/hang.html", json)
        }

        @Test func cancelDuringAnActionsWaitAfterMsIsCancelledInStageAction() async throws {
            let json = ##"{"timeout_ms": 90000, "actions": [{"type": "evaluate", "expression": "(fetch('/api/ping'), 1)", "wait_after_ms": 60000}]}"##
            try await Self.expectCancelled(in: .action, rendering: "/actions.html", json)
        }

        @Test func cancelDuringAnOptionalWaitActionIsCancelledNotARecordedFailure() async throws {
            let json = ##"{"timeout_ms": 90000, "actions": [{"type": "evaluate", "expression": "(fetch('/api/ping'), 1)"}, {"type": "wait", "condition": {"type": "delay", "ms": 60000}, "optional": true}]}"##
            try await Self.expectCancelled(in: .action, rendering: "/actions.html", json)
        }

        @Test func cancelDuringAScrollOfManyStepsIsCancelledInStageAction() async throws {
            let stop = "(window.pinged || (window.pinged = true, fetch('/api/ping')), false)"
            let json = ##"{"timeout_ms": 90000, "scroll": {"steps": 1000, "step_px": 10, "delay_ms": 50, "stop_condition": "\##(stop)"}}"##
            try await Self.expectCancelled(in: .action, rendering: "/scroll.html?total=200&batch=10", json)
        }

        /// Renders `path` with the config `json`, cancels the render once the page has requested /api/ping,
        /// and expects the render to end as cancelled in `stage` with no context left leased.
        static func expectCancelled(in stage: RenderStage, rendering path: String, _ json: String) async throws {
            try await RenderHarness.with { c in
                let render = Task { try await c.render(path, json) }
                do {
                    try await eventually("the page's ping") { c.server.counter.count(path: "/api/ping") >= 1 }
                } catch {
                    render.cancel()
                    throw error
                }
                render.cancel()
                let error = try await RenderHarness.renderError { try await render.value }
                guard case .cancelled(let cancelledIn, _) = error else { throw error }
                #expect(cancelledIn == stage)
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }
    }
}
