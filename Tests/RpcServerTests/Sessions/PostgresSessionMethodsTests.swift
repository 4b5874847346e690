import Foundation
import NIOHTTP1
import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// Every session and cookie method over HTTP on a server whose sessions live in PostgreSQL, bad
/// input included: what the other session suites prove on memory, checked end to end on the
/// shared backend.
@Suite struct PostgresSessionMethodsTests {
    let sessions = SessionsConfiguration(backend: .postgres, healthCountMaxAge: .zero)

    @Test func sessionsAreCreatedReadListedExtendedChangedAndDeleted() async throws {
        let clock = manualClock()
        try await TestServer.run(sessions: sessions, clock: clock) { server in
            let created = try await server.checkedResult(
                "session.create",
                ["session_id": "b", "ttl_secs": 600, "auto_renew": false, "max_requests": 3, "metadata": ["plan": "pro"]]
            )
            #expect(created["ttl_secs"] == 600)
            #expect(created["metadata"] == ["plan": "pro"])
            for id in ["c", "a"] { _ = try await server.result("session.create", ["session_id": .string(id)]) }
            #expect(try await server.checkedResult("session.get", ["session_id": "b"])["max_requests"] == 3)

            let first = try await server.checkedResult("session.list", ["limit": 2])
            #expect(first["sessions"]?.arrayValue?.map { $0["session_id"] } == ["a", "b"])
            let cursor = try #require(first["next_cursor"])
            let rest = try await server.checkedResult("session.list", ["limit": 2, "cursor": cursor])
            #expect(rest["sessions"]?.arrayValue?.map { $0["session_id"] } == ["c"])

            clock.advance(by: 100)
            let extended = try await server.checkedResult("session.extend", ["session_id": "b", "ttl_secs": 900])
            #expect(extended["expires_at"] == .string(RFC3339.string(from: clock.now().addingTimeInterval(900))))
            let changed = try await server.checkedResult(
                "session.set_metadata", ["session_id": "b", "metadata": ["plan": nil, "seat": 4]])
            #expect(changed["metadata"] == ["seat": 4])

            #expect(try await server.checkedResult("session.delete", ["session_id": "b"]) == ["deleted": true])
            #expect(try await server.result("session.delete", ["session_id": "b"]) == ["deleted": false])
            #expect(try await server.call("session.get", ["session_id": "b"])["error"]?["code"] == -32001)
            #expect(try await server.stored().map(\.sessionId.rawValue) == ["a", "c"])
        }
    }

    @Test func cookiesAreSetReadDeletedAndCleared() async throws {
        try await TestServer.run(sessions: sessions) { server in
            _ = try await server.result("session.create", ["session_id": "jar"])
            let login: JSONValue = [
                "name": "sid", "value": "v\u{0}é😀", "domain": "example.test", "path": "/", "secure": true,
                "http_only": true, "same_site": "Strict", "expires": 1_900_000_000.5,
            ]
            let theme: JSONValue = ["name": "theme", "value": "dark", "domain": ".example.test"]
            #expect(try await server.checkedResult("cookies.set", ["session_id": "jar", "cookies": [login, theme]]) == ["count": 2])
            let named = try await server.checkedResult("cookies.get", ["session_id": "jar", "name": "sid"])
            #expect(named["cookies"] == [login])
            #expect(
                try await server.checkedResult(
                    "cookies.delete", ["session_id": "jar", "domain": ".example.test", "name": "theme"]) == ["deleted": true])
            #expect(try await server.checkedResult("cookies.clear", ["session_id": "jar"]) == ["removed": 1])
            #expect(try await server.result("session.get", ["session_id": "jar"])["cookie_count"] == 0)
        }
    }

    @Test func statsAndCleanupComeFromTheDatabase() async throws {
        let clock = manualClock()
        try await TestServer.run(sessions: sessions, clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "live"])
            _ = try await server.result("session.create", ["session_id": "gone", "ttl_secs": 1])
            clock.advance(by: 2)
            #expect(try await server.checkedResult("session.stats")["active_sessions"] == 1)
            #expect(try await server.checkedResult("session.cleanup") == ["removed": 1])
            #expect(try await server.result("session.stats")["expired_cleaned"] == 1)
            let health = try await server.request(.GET, "/health")
            #expect(health.status == 200)
            #expect(try health.json["sessions"] == ["backend": "postgres", "ok": true, "count": 1])
        }
    }

    @Test func badInputIsRefusedAndChangesNothing() async throws {
        let clock = manualClock()
        try await TestServer.run(sessions: sessions, clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "s"])
            try await server.expectRefused("session.create", ["session_id": "s"], code: -32602, field: "session_id", clock: clock)
            try await server.expectRefused("session.create", ["session_id": "a b"], code: -32602, field: "session_id", clock: clock)
            try await server.expectRefused("session.create", ["ttl_secs": 0], code: -32602, field: "ttl_secs", clock: clock)
            try await server.expectRefused("session.get", ["session_id": "nobody"], code: -32001, clock: clock)
            try await server.expectRefused(
                "session.extend", ["session_id": "s", "ttl_secs": 2_592_001], code: -32602, field: "ttl_secs", clock: clock)
            try await server.expectRefused(
                "session.set_metadata", ["session_id": "s", "metadata": metadata(keys: 101)], code: -32602, field: "metadata",
                clock: clock)
            try await server.expectRefused(
                "cookies.set", ["session_id": "s", "cookies": [["name": "n", "value": "v", "domain": ""]]], code: -32602,
                clock: clock)
            try await server.expectRefused("cookies.delete", ["session_id": "s", "name": "n"], code: -32602, field: "domain", clock: clock)
            try await server.expectRefused("session.list", ["limit": 1001], code: -32602, field: "limit", clock: clock)
            try await server.expectRefused("session.list", ["cursor": "../x"], code: -32602, field: "cursor", clock: clock)
        }
    }

    @Test func metricsTimeTheDatabaseCallsAndShowThePool() async throws {
        try await TestServer.run(sessions: sessions) { server in
            let before = sample(try await server.request(.GET, "/metrics").body, Self.ok) ?? 0
            _ = try await server.result("session.create", ["session_id": "m"])
            _ = try await server.result("session.get", ["session_id": "m"])
            let text = try await server.request(.GET, "/metrics").body
            #expect(text.contains("# TYPE tidepool_session_store_call_duration_seconds histogram"))
            #expect((sample(text, Self.ok) ?? 0) >= before + 2, "the creation and the read went to the database")
            #expect(sample(text, "tidepool_session_store_pool_connections_max") == 10)
            // The node's heartbeat (a server over PostgreSQL is a cluster of one) may be in flight.
            let inFlight = try #require(sample(text, "tidepool_session_store_calls_in_flight"))
            #expect((0...10).contains(inFlight))
        }
    }

    static let ok = #"tidepool_session_store_call_duration_seconds_count{outcome="ok"}"#
}
