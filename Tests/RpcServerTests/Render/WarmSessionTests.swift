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
    /// keep_warm sessions keep their browser context between calls (skipping the state restore) and
    /// give it back when the pool needs it, after the idle limit, or when the session ends.
    @Suite struct WarmSessionTests {
        static let restorePath = "__tidepool_storage_restore__"

        /// Whether the render's network log shows the localStorage restore's placeholder request.
        static func restored(_ result: JSONValue) -> Bool {
            result["artifacts"]?["network"]?.arrayValue?.contains {
                $0["url"]?.stringValue?.contains(restorePath) == true
            } == true
        }

        static let readStorage: JSONValue = [
            "wait_for": ["type": "selector", "selector": "#storage"], "capture": ["network": true],
        ]

        @Test func warmSessionKeepsItsContextAndSkipsTheRestore() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "warm", "keep_warm": true])
                _ = try await c.rendered("/storage/write.html?k=v", ["session_id": "warm"])
                let kept = c.pool.stats()
                #expect(kept.contextsHeld == 1)
                #expect(kept.contextsParked == 1)

                let read = try await c.rendered("/storage/read.html", ["session_id": "warm", "config": Self.readStorage])
                #expect(read["html"]?.stringValue?.contains(#"{"k":"v"}"#) == true)
                #expect(!Self.restored(read))
                let after = c.pool.stats()
                #expect(after.contextsHeld == 1)
                #expect(after.leasesServed == kept.leasesServed, "the second call took no new lease")
                #expect(try await c.store.peek("warm").localStorage[c.site.baseURL] == ["k": "v"])
            }
        }

        @Test func sessionWithoutKeepWarmRestoresItsStateIntoAFreshContext() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/storage/write.html?k=v", ["session_id": "cold"])
                #expect(c.pool.stats().contextsHeld == 0)
                let read = try await c.rendered("/storage/read.html", ["session_id": "cold", "config": Self.readStorage])
                #expect(read["html"]?.stringValue?.contains(#"{"k":"v"}"#) == true)
                #expect(Self.restored(read))
            }
        }

        @Test func warmContextGoesBackWhenAQueueForms() async throws {
            try await RenderServer.with(pool: { $0.contextsPerBrowser = 1; $0.prewarmContexts = 0 }, waitForBrowser: false) { c in
                try await eventually("a ready browser") { c.pool.stats().readyBrowsers == 1 }
                _ = try await c.server.result("session.create", ["session_id": "hog", "keep_warm": true])
                _ = try await c.rendered("/storage/write.html?k=v", ["session_id": "hog"])
                #expect(c.pool.stats().contextsHeld == 1)
                // The only context is parked with "hog": another caller queues, and gets it (fresh, so
                // that it is not kept for recycling either).
                let other = try await c.rendered("/static.html", ["config": ["timeout_ms": 10_000, "isolation": "fresh"]])
                #expect(other["status_code"] == 200)
                #expect(c.pool.stats().contextsHeld == 0)
                // The session carries on in a fresh context with its state restored.
                let read = try await c.rendered("/storage/read.html", ["session_id": "hog", "config": Self.readStorage])
                #expect(read["html"]?.stringValue?.contains(#"{"k":"v"}"#) == true)
                #expect(Self.restored(read))
            }
        }

        @Test func endedSessionGivesItsWarmContextBack() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "brief", "keep_warm": true])
                _ = try await c.rendered("/static.html", ["session_id": "brief"])
                #expect(c.pool.stats().contextsHeld == 1)
                #expect(try await c.server.result("session.delete", ["session_id": "brief"])["deleted"] == true)
                let stats = c.pool.stats()
                #expect(stats.contextsHeld == 0)
                #expect(stats.contextsLeased == 0)
            }
        }

        @Test func warmContextGoesBackAfterThePoolsIdleLimit() async throws {
            try await RenderServer.with(pool: { $0.idleTimeout = .seconds(1); $0.healthCheckInterval = .milliseconds(200) }) { c in
                _ = try await c.server.result("session.create", ["session_id": "sleepy", "keep_warm": true])
                _ = try await c.rendered("/static.html", ["session_id": "sleepy"])
                #expect(c.pool.stats().contextsHeld == 1)
                try await eventually("the idle warm context given back") { c.pool.stats().contextsHeld == 0 }
                #expect(c.pool.stats().contextsLeased == 0)
            }
        }

        @Test func cookiesChangedBetweenCallsReachTheNextCall() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "edited", "keep_warm": true])
                _ = try await c.rendered("/static.html", ["session_id": "edited"])
                _ = try await c.server.result(
                    "cookies.set", ["session_id": "edited", "cookies": [["name": "flavour", "value": "mint", "domain": "127.0.0.1"]]])
                let echoed = try await c.rendered("/cookies", ["session_id": "edited"])
                #expect(echoed["html"]?.stringValue?.contains(#""flavour":"mint""#) == true)
            }
        }

        @Test func warmSessionStaysLoggedInAcrossCalls() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "warm-login", "keep_warm": true])
                _ = try await c.rendered("/login.html", ["session_id": "warm-login", "config": ["actions": loginActions(user: "bo")]])
                for _ in 0..<3 {
                    let dashboard = try await c.rendered("/dashboard", ["session_id": "warm-login"])
                    #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">bo</span>"#) == true)
                }
                #expect(c.pool.stats().contextsHeld == 1)
            }
        }
    }
}
