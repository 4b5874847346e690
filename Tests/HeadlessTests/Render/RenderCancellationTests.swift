import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    /// A render whose task is cancelled ends as `cancelled` in the stage it was in — never as a crash
    /// (which clients retry), an internal error, a timeout or a failed action — and gives its context back.
    @Suite("Render: cancellation", .serialized)
    struct RenderCancellationTests {
        /// A JavaScript condition that holds at once and tells the fixture server it ran (/api/ping): the
        /// signal that the stage under test is running.
        static let ping = ##"{"type": "javascript", "expression": "(fetch('/api/ping'), true)"}"##

        @Test func cancelDuringADelayWaitIsCancelledInStageWait() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"timeout_ms": 90000, "wait_for": {"type": "all", "conditions": [{"type": "delay", "ms": 60000}, \##(Self.ping)]}}"##
                let error = try await Self.renderCancelledAfterPing(c, "/static.html", json)
                guard case .cancelled(let stage, _) = error else { throw error }
                #expect(stage == .wait)
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }

        @Test func cancelDuringASelectorWaitThatNeverHoldsIsCancelledInStageWait() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"timeout_ms": 90000, "wait_for": {"type": "all", "conditions": [{"type": "selector", "selector": "#never"}, \##(Self.ping)]}}"##
                let error = try await Self.renderCancelledAfterPing(c, "/static.html", json)
                guard case .cancelled(let stage, _) = error else { throw error }
                #expect(stage == .wait)
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }

        @Test func cancelDuringALoadWaitThatNeverHoldsIsCancelledInStageWait() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"timeout_ms": 90000, "wait_for": {"type": "all", "conditions": [{"type": "load"}, \##(Self.ping)]}}"##
                let error = try await Self.renderCancelledAfterPing(c, "/hang.html", json)
                guard case .cancelled(let stage, _) = error else { throw error }
                #expect(stage == .wait)
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }

        @Test func cancelDuringAnActionsWaitAfterMsIsCancelledInStageAction() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"timeout_ms": 90000, "actions": [{"type": "evaluate", "expression": "(fetch('/api/ping'), 1)", "wait_after_ms": 60000}]}"##
                let error = try await Self.renderCancelledAfterPing(c, "/actions.html", json)
                guard case .cancelled(let stage, _) = error else { throw error }
                #expect(stage == .action)
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }

        @Test func cancelDuringAnOptionalWaitActionIsCancelledNotARecordedFailure() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"timeout_ms": 90000, "actions": [{"type": "evaluate", "expression": "(fetch('/api/ping'), 1)"}, {"type": "wait", "condition": {"type": "delay", "ms": 60000}, "optional": true}]}"##
                let error = try await Self.renderCancelledAfterPing(c, "/actions.html", json)
                guard case .cancelled(let stage, _) = error else { throw error }
                #expect(stage == .action)
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }

        @Test func cancelDuringAScrollOfManyStepsIsCancelledInStageAction() async throws {
            try await RenderHarness.with { c in
                let stop = "(window.pinged || (window.pinged = true, fetch('/api/ping')), false)"
                let json = ##"{"timeout_ms": 90000, "scroll": {"steps": 1000, "step_px": 10, "delay_ms": 50, "stop_condition": "\##(stop)"}}"##
                let error = try await Self.renderCancelledAfterPing(c, "/scroll.html?total=200&batch=10", json)
                guard case .cancelled(let stage, _) = error else { throw error }
                #expect(stage == .action)
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }

        /// Starts rendering `path`, cancels the render once the page has requested /api/ping, and returns
        /// the render's error.
        static func renderCancelledAfterPing(_ c: RenderHarness.Context, _ path: String, _ json: String) async throws
            -> RenderError
        {
            let render = Task { try await c.render(path, json) }
            do {
                try await TestPools.eventually("the page's ping") { c.server.counter.count(path: "/api/ping") >= 1 }
            } catch {
                render.cancel()
                throw error
            }
            render.cancel()
            return try await RenderHarness.renderError { try await render.value }
        }
    }
}
