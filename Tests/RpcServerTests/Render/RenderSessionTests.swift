import FixtureServer
import Foundation
import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

extension BrowserSuites {
    /// `render` with a `session_id`, end to end over HTTP: state carried across calls, isolation
    /// between sessions, admission (get-or-create, expiry, request limits) under concurrency.
    @Suite struct RenderSessionTests {
        @Test func loginInOneCallIsStillThereInTheNextCallOfTheSession() async throws {
            try await RenderServer.with { c in
                let login = try await c.rendered(
                    "/login.html", ["session_id": "shop", "config": ["actions": loginActions(user: "ada")]])
                #expect(login["final_url"] == .string(c.url("/dashboard")))
                #expect(login["session_id"] == "shop")
                #expect((login["cookies_updated"]?.intValue ?? 0) >= 1)

                let dashboard = try await c.rendered("/dashboard", ["session_id": "shop"])
                #expect(dashboard["status_code"] == 200)
                #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">ada</span>"#) == true)

                let jar = try await c.server.result("cookies.get", ["session_id": "shop"])
                #expect(jar["cookies"]?.arrayValue?.contains { $0["name"] == .string(FixtureAccounts.cookieName) } == true)
            }
        }

        @Test func anotherSessionDoesNotSeeTheLoginAlsoWhenBothRunAtOnce() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/login.html", ["session_id": "ada", "config": ["actions": loginActions(user: "ada")]])
                async let ada = c.rendered("/dashboard", ["session_id": "ada"])
                async let eve = c.rendered("/dashboard", ["session_id": "eve"])
                let (logged, anonymous) = try await (ada, eve)
                #expect(logged["status_code"] == 200)
                #expect(logged["html"]?.stringValue?.contains(#"<span id="user">ada</span>"#) == true)
                #expect(anonymous["status_code"] == 401)
                #expect(anonymous["html"]?.stringValue?.contains("Not logged in") == true)
                let eveJar = try await c.server.result("cookies.get", ["session_id": "eve"])
                #expect(eveJar["cookies"]?.arrayValue == [])
            }
        }

        @Test func localStorageWrittenInOneCallIsReadInTheNext() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/storage/write.html?color=teal&size=9", ["session_id": "store"])
                let read = try await c.rendered(
                    "/storage/read.html",
                    ["session_id": "store", "config": ["wait_for": ["type": "selector", "selector": "#storage"]]])
                #expect(read["html"]?.stringValue?.contains(#"{"color":"teal","size":"9"}"#) == true)
                let stored = try await c.store.peek("store")
                #expect(stored.localStorage[c.site.baseURL] == ["color": "teal", "size": "9"])
            }
        }

        @Test func twentyConcurrentRendersOnOneSessionAreEachCountedOnce() async throws {
            try await RenderServer.with { c in
                let outcomes = try await withThrowingTaskGroup(of: JSONValue.self) { group in
                    for _ in 0..<20 {
                        group.addTask { try await c.render("/static.html", ["session_id": "busy"]) }
                    }
                    return try await group.reduce(into: [JSONValue]()) { $0.append($1) }
                }
                #expect(outcomes.filter { $0["result"] != nil }.count == 20)
                let session = try await c.server.result("session.get", ["session_id": "busy"])
                #expect(session["request_count"] == 20)
                #expect(c.site.counter.count(path: "/static.html") == 20)
            }
        }

        @Test func withMaxRequestsFiveExactlyFiveOfTwentyConcurrentRendersRun() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "capped", "max_requests": 5])
                let outcomes = try await withThrowingTaskGroup(of: JSONValue.self) { group in
                    for _ in 0..<20 {
                        group.addTask { try await c.render("/static.html", ["session_id": "capped"]) }
                    }
                    return try await group.reduce(into: [JSONValue]()) { $0.append($1) }
                }
                let refused = outcomes.compactMap { $0["error"] }
                #expect(outcomes.filter { $0["result"] != nil }.count == 5)
                #expect(refused.count == 15)
                #expect(refused.allSatisfy { $0["code"] == -32003 && $0["data"]?["max_requests"] == 5 })
                #expect(c.site.counter.count(path: "/static.html") == 5)
                let session = try await c.server.result("session.get", ["session_id": "capped"])
                #expect(session["request_count"] == 5)
            }
        }

        @Test func expiredSessionIsRefusedAndNotReset() async throws {
            let clock = manualClock()
            try await RenderServer.with(clock: clock) { c in
                _ = try await c.server.result("session.create", ["session_id": "old", "ttl_secs": 60])
                _ = try await c.server.result("cookies.set", ["session_id": "old", "cookies": [["name": "k", "value": "v", "domain": "127.0.0.1"]]])
                clock.advance(by: 61)
                let error = try await c.renderError("/static.html", ["session_id": "old"])
                #expect(error["code"] == -32002)
                #expect(error["data"]?["session_id"] == "old")
                #expect(c.site.counter.count(path: "/static.html") == 0)
                let stored = try #require(try await c.store.backend.load("old"))
                #expect(stored.cookies.count == 1)
                #expect(stored.requestCount == 0)
            }
        }

        @Test func unknownSessionIsCreatedWithTheServersDefaults() async throws {
            try await RenderServer.with { c in
                let result = try await c.rendered("/static.html", ["session_id": "brand-new"])
                #expect(result["session_id"] == "brand-new")
                let session = try await c.server.result("session.get", ["session_id": "brand-new"])
                #expect(session["request_count"] == 1)
                #expect(session["ttl_secs"] == 86_400)
                #expect(session["auto_renew"] == true)
                #expect(session["last_url"] == .string(c.url("/static.html")))
                #expect((session["avg_render_time_ms"]?.doubleValue ?? 0) > 0)
            }
        }

        @Test func renderCreatingASessionBeyondTheSessionCapIsRefused() async throws {
            try await RenderServer.with(sessions: { $0.maxSessions = 1 }) { c in
                _ = try await c.rendered("/static.html", ["session_id": "first"])
                let error = try await c.renderError("/static.html", ["session_id": "second"])
                #expect(error["code"] == -32007)
                #expect(error["data"]?["scope"] == "sessions")
                // Sessions that exist keep rendering.
                _ = try await c.rendered("/static.html", ["session_id": "first"])
            }
        }

        @Test func withPersistCookiesOffRendersDoNotWriteCookiesBack() async throws {
            try await RenderServer.with(sessions: { $0.persistCookies = false }) { c in
                _ = try await c.rendered("/login.html", ["session_id": "forgetful", "config": ["actions": loginActions(user: "lu")]])
                let jar = try await c.server.result("cookies.get", ["session_id": "forgetful"])
                #expect(jar["cookies"]?.arrayValue == [])
                let dashboard = try await c.rendered("/dashboard", ["session_id": "forgetful"])
                #expect(dashboard["status_code"] == 401)
            }
        }

        @Test func failedRenderIsRecordedAsTheSessionsLastError() async throws {
            try await RenderServer.with { c in
                let error = try await c.renderError(
                    "/static.html",
                    ["session_id": "oops", "config": ["actions": [["type": "click", "selector": "#no-such-thing"]]]])
                #expect(error["code"] == -32010)
                let session = try await c.server.result("session.get", ["session_id": "oops"])
                #expect(session["request_count"] == 1)
                #expect(session["last_error"]?.stringValue?.contains("action 0 failed") == true)
            }
        }

        @Test func fingerprintIsFixedForTheSessionsLife() async throws {
            try await RenderServer.with { c in
                let probe: JSONValue = [
                    "actions": [[
                        "type": "evaluate",
                        "expression": "JSON.stringify([navigator.userAgent, navigator.hardwareConcurrency, navigator.deviceMemory, screen.width, screen.height])",
                    ]]
                ]
                func fingerprint(_ session: String) async throws -> JSONValue? {
                    try await c.rendered("/static.html", ["session_id": .string(session), "config": probe, "stealth": ["preset": "high"]])["actions_executed"]?[0]?["result"]
                }
                let first = try await fingerprint("persona")
                let second = try await fingerprint("persona")
                #expect(first != nil)
                #expect(first == second)
            }
        }
    }
}

extension JSONValue {
    /// The element at `index` of an array value.
    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
