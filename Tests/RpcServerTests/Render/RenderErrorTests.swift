import AsyncSupport
import FixtureServer
import Foundation
import Headless
@testable import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

extension BrowserSuites {
    /// Render failures come back as SPEC's error codes with their `data`.
    @Suite struct RenderErrorTests {
        @Test func selectorThatNeverAppearsTimesOutInTheWaitStageAfterItsTimeout() async throws {
            try await RenderServer.with { c in
                let error = try await c.renderError(
                    "/static.html",
                    ["config": ["wait_for": ["type": "selector", "selector": "#never-there", "timeout_ms": 1000]]])
                #expect(error["code"] == -32004)
                #expect(error["data"]?["stage"] == "wait")
                // The condition's own timeout ended the wait, not the call's 30 s deadline.
                let elapsed = try #require(error["data"]?["elapsed_ms"]?.intValue)
                #expect(elapsed >= 1000)
                #expect(elapsed < 30_000)
            }
        }

        @Test func cancelledRenderIsATimeoutOfItsStageNeverACrashOrInternalError() {
            #expect(RpcErrorMapping.map(.cancelled(stage: .wait, elapsedMs: 1200)) == .renderTimeout(stage: .wait, elapsedMs: 1200))
        }

        @Test func sessionRenderCancelledWhileWaitingForTheSessionIsCancelledInTheQueueAndRecorded() async throws {
            try await RenderServer.with { c in
                let session = "cancel-in-queue"
                let id = try #require(SessionID(session))
                let slow = RenderParams(
                    url: c.url("/static.html"), sessionId: session,
                    config: DynamicConfig(waitFor: .delay(ms: 20_000), timeoutMs: 25_000))
                let holder = Task { try await c.renders.render(slow, logger: testLogger()) }
                try await eventually("the first call holds the session") { c.pool.stats().contextsLeased == 1 }
                let waiter = Task {
                    try await c.renders.render(RenderParams(url: c.url("/static.html"), sessionId: session), logger: testLogger())
                }
                try await eventually("the second call waits for the session") { c.renders.locks.waiting(for: id) == 1 }
                waiter.cancel()
                let error = await #expect(throws: RpcErrorObject.self) { try await waiter.value }
                #expect(error?.code == -32004)
                #expect(error?.data?["stage"] == "queue")
                #expect(c.renders.locks.waiting(for: id) == 0)
                let info = try await c.server.result("session.get", ["session_id": .string(session)])
                #expect(info["request_count"] == 2)
                #expect(info["last_error"]?.stringValue?.contains("cancelled in stage queue") == true)
                holder.cancel()
                let first = await #expect(throws: RpcErrorObject.self) { try await holder.value }
                #expect(first?.code == -32004)  // cancelled wherever it was: lease, navigation or the delay
                try await eventually("the first call's context is disposed") { c.pool.stats().contextsLeased == 0 }
            }
        }

        @Test func renderCancelledWhileQueuedForAContextIsCancelledInTheQueueAndLeavesTheQueue() async throws {
            try await RenderServer.with(pool: { $0.contextsPerBrowser = 1 }) { c in
                let slow = RenderParams(
                    url: c.url("/static.html"), config: DynamicConfig(waitFor: .delay(ms: 20_000), timeoutMs: 25_000))
                let holder = Task { try await c.renders.render(slow, logger: testLogger()) }
                try await eventually("the only context is leased") { c.pool.stats().contextsLeased == 1 }
                let queued = Task {
                    try await c.renders.render(RenderParams(url: c.url("/static.html")), logger: testLogger())
                }
                try await eventually("the second call is queued") { c.pool.stats().queueLength == 1 }
                queued.cancel()
                let error = await #expect(throws: RpcErrorObject.self) { try await queued.value }
                #expect(error?.code == -32004)
                #expect(error?.data?["stage"] == "queue")
                #expect(c.pool.stats().queueLength == 0)
                holder.cancel()
                _ = try? await holder.value
                try await eventually("the context is disposed") { c.pool.stats().contextsLeased == 0 }
            }
        }

        @Test func refusedConnectionIsANavigationFailureWithTheNetError() async throws {
            try await withRefusingPort { port in
                try await RenderServer.with { c in
                    let url = "http://127.0.0.1:\(port)/nothing-listens"
                    let error = try await c.renderError(url)
                    #expect(error["code"] == -32005)
                    #expect(error["data"]?["url"] == .string(url))
                    #expect(error["data"]?["net_error"] == "net::ERR_CONNECTION_REFUSED")
                }
            }
        }

        @Test func failingActionIsReportedWithItsIndex() async throws {
            try await RenderServer.with { c in
                let error = try await c.renderError(
                    "/actions.html",
                    ["config": ["actions": [["type": "evaluate", "expression": "1 + 1"], ["type": "click", "selector": "#missing"]]]])
                #expect(error["code"] == -32010)
                #expect(error["data"]?["action_index"] == 1)
                #expect(error["data"]?["reason"]?.stringValue?.isEmpty == false)
            }
        }

        @Test func fullQueueIsOverloadedWithARetryHint() async throws {
            try await RenderServer.with(pool: { $0.contextsPerBrowser = 1; $0.prewarmContexts = 0; $0.maxQueue = 0 }, waitForBrowser: false) { c in
                try await eventually("a ready browser") { c.pool.stats().readyBrowsers == 1 }
                async let hanging = c.render("/hang.html", ["config": ["timeout_ms": 4000]])
                try await eventually("the hanging render holding the only context") { c.pool.stats().contextsLeased == 1 }
                let error = try await c.renderError("/static.html")
                #expect(error["code"] == -32006)
                #expect((error["data"]?["retry_after_ms"]?.intValue ?? 0) >= 50)
                #expect(error["data"]?["queue_length"] == 0)
                let first = try await hanging
                #expect(first["error"]?["code"] == -32004)
            }
        }

        @Test func browserKilledMidRenderIsACrashNotRetriedAfterNavigation() async throws {
            try await RenderServer.with { c in
                let pid = try #require(c.pool.stats().browsers.first { $0.state == "ready" }?.pid)
                async let hanging = c.render("/hang.html", ["session_id": "crashy", "config": ["timeout_ms": 20_000]])
                try await eventually("the page loading") { c.site.counter.count(path: "/hang") >= 1 }
                kill(pid, SIGKILL)
                let response = try await hanging
                let error = try #require(response["error"])
                #expect(error["code"] == -32008)
                #expect(error["data"]?["retried"] == false)
                // The pool recovers and the session renders again.
                try await eventually("a replacement browser") { c.pool.stats().browsers.contains { $0.state == "ready" && $0.pid != pid } }
                let again = try await c.rendered("/static.html", ["session_id": "crashy"])
                #expect(again["status_code"] == 200)
            }
        }

        @Test func callWaitingForItsSessionPastItsDeadlineTimesOutInTheQueue() async throws {
            try await RenderServer.with { c in
                async let hanging = c.render("/hang.html", ["session_id": "one-at-a-time", "config": ["timeout_ms": 4000]])
                try await eventually("the first call rendering") { c.site.counter.count(path: "/hang") >= 1 }
                let error = try await c.renderError("/static.html", ["session_id": "one-at-a-time", "config": ["timeout_ms": 500]])
                #expect(error["code"] == -32004)
                #expect(error["data"]?["stage"] == "queue")
                #expect(c.site.counter.count(path: "/static.html") == 0)
                _ = try await hanging
                let session = try await c.server.result("session.get", ["session_id": "one-at-a-time"])
                #expect(session["request_count"] == 2)
            }
        }
    }
}
