import Foundation
import RenderTypes
import Testing
@testable import SessionContext

@Suite struct WireFormTests {
    let start = Date(timeIntervalSince1970: 1_767_225_600.125)

    func sampleSession() -> RpcSessionContext {
        var s = RpcSessionContext(
            sessionId: "shop-1", config: SessionConfig(ttlSeconds: 3600, autoRenew: false, maxRequests: 5),
            now: start, metadata: ["user": "alice"], profile: "p1"
        )
        s.recordRequest(url: "https://a.test/", renderTimeMs: 40, at: start)
        s.recordRequest(url: "https://a.test/2", renderTimeMs: 60, at: start)
        s.setCookies([Cookie(name: "sid", value: "x", domain: "a.test")])
        return s
    }

    @Test func sessionInfoCarriesSpecFieldsInSnakeCaseWithRFC3339Times() throws {
        var json = try JSONValue(encoding: SessionInfo(sampleSession())).objectValue ?? [:]
        #expect(json.removeValue(forKey: "avg_render_time_ms")?.doubleValue == 50)
        #expect(JSONValue.object(json) == [
            "session_id": "shop-1",
            "created_at": "2026-01-01T00:00:00.125Z",
            "last_accessed": "2026-01-01T00:00:00.125Z",
            "expires_at": "2026-01-01T01:00:00.125Z",
            "ttl_secs": 3600,
            "auto_renew": false,
            "max_requests": 5,
            "request_count": 2,
            "last_url": "https://a.test/2",
            "metadata": ["user": "alice"],
            "cookie_count": 1,
            "profile": "p1",
        ])
    }

    @Test func sessionInfoLeavesOutAbsentOptionalFields() throws {
        let json = try JSONValue(encoding: SessionInfo(RpcSessionContext(sessionId: "x", now: start)))
        #expect(json["last_url"] == nil)
        #expect(json["last_error"] == nil)
        #expect(json["profile"] == nil)
    }

    @Test func sessionInfoDecodesStrictlyFromItsWireForm() throws {
        let info = SessionInfo(sampleSession())
        let decoded = try StrictJSONDecoder().decode(SessionInfo.self, from: JSONValue(encoding: info))
        #expect(decoded == info)
    }

    @Test func sessionInfoRejectsAnUnknownField() throws {
        guard case .object(var object) = try JSONValue(encoding: SessionInfo(sampleSession())) else {
            Issue.record("not an object")
            return
        }
        object["surprise"] = 1
        #expect(throws: FieldError(field: "surprise", kind: .unknownField)) {
            try StrictJSONDecoder().decode(SessionInfo.self, from: .object(object))
        }
    }

    @Test func sessionInfoRejectsATimestampThatIsNotRFC3339() throws {
        guard case .object(var object) = try JSONValue(encoding: SessionInfo(sampleSession())) else { return }
        object["created_at"] = "yesterday"
        #expect {
            try StrictJSONDecoder().decode(SessionInfo.self, from: .object(object))
        } throws: { ($0 as? FieldError)?.field == "created_at" }
    }

    @Test func rfc3339ParsesWithAndWithoutFractionalSeconds() {
        #expect(RFC3339.date(from: "2026-01-01T00:00:00Z") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(RFC3339.date(from: "2026-01-01T00:00:00.500Z") == Date(timeIntervalSince1970: 1_767_225_600.5))
        #expect(RFC3339.date(from: "nope") == nil)
    }

    @Test func rfc3339TextPrintsBackTheSameAfterParsing() throws {
        // A parsed `.123` is held as a double a hair below it; formatting must not print `.122`.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let millis = Double(Int64.random(in: 1_500_000_000_000...2_500_000_000_000, using: &generator))
            let text = RFC3339.string(from: Date(timeIntervalSince1970: millis / 1000))
            let parsed = try #require(RFC3339.date(from: text))
            #expect(RFC3339.string(from: parsed) == text)
        }
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_767_225_600.0999)) == "2026-01-01T00:00:00.099Z")
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_767_225_600)) == "2026-01-01T00:00:00.000Z")
    }

    @Test func sessionMetricsUsesSpecKeys() throws {
        let json = try JSONValue(encoding: SessionMetrics(activeSessions: 1, totalRequests: 2))
        #expect(Set(json.objectValue?.keys.map { $0 } ?? []) == [
            "active_sessions", "total_requests", "avg_session_age_seconds", "total_render_time_ms",
            "avg_render_time_ms", "p50_render_ms", "p95_render_ms", "p99_render_ms", "expired_cleaned", "errors",
        ])
        #expect(try StrictJSONDecoder().decode(SessionMetrics.self, from: json) == SessionMetrics(activeSessions: 1, totalRequests: 2))
    }

    @Test func sessionInfoPageUsesNextCursorKeyAndOmitsItOnTheLastPage() throws {
        let page = SessionInfoPage(sessions: [], nextCursor: nil)
        #expect(try JSONValue(encoding: page) == ["sessions": []])
        #expect(try JSONValue(encoding: SessionInfoPage(sessions: [], nextCursor: "c"))["next_cursor"] == "c")
    }

    @Test func sessionConfigDecodesDefaultsForAbsentFields() throws {
        let config = try StrictJSONDecoder().decode(SessionConfig.self, from: ["ttl_secs": 60])
        #expect(config == SessionConfig(ttlSeconds: 60))
    }

    @Test(arguments: [["ttl_secs": 0], ["ttl_secs": -5], ["max_requests": -1]] as [JSONValue])
    func sessionConfigRejectsOutOfRangeValues(json: JSONValue) {
        #expect(throws: FieldError.self) { try StrictJSONDecoder().decode(SessionConfig.self, from: json) }
    }
}

@Suite struct SessionErrorTests {
    let id: SessionID = "s-1"

    @Test func notFoundIsMinus32001WithTheSessionId() {
        let error = SessionError.notFound(id).rpcError
        #expect(error.code == -32001)
        #expect(error.data == ["session_id": "s-1"])
    }

    @Test func expiredIsMinus32002WithExpiredAt() {
        let error = SessionError.expired(id, expiredAt: Date(timeIntervalSince1970: 1_767_225_600)).rpcError
        #expect(error.code == -32002)
        #expect(error.data == ["session_id": "s-1", "expired_at": "2026-01-01T00:00:00.000Z"])
    }

    @Test func limitIsMinus32003WithMaxRequests() {
        let error = SessionError.requestLimitReached(id, maxRequests: 3).rpcError
        #expect(error.code == -32003)
        #expect(error.data == ["session_id": "s-1", "max_requests": 3])
    }

    @Test func badInputIsMinus32602NamingTheField() {
        #expect(SessionError.invalidId("a b", reason: "r").rpcError.data?["field"] == "session_id")
        #expect(SessionError.invalidValue(field: "ttl_secs", reason: "r").rpcError.code == -32602)
        #expect(SessionError.alreadyExists(id).rpcError.code == -32602)
    }

    @Test func backendFailureIsInternalWithoutDetails() {
        let error = SessionError.backend("disk on fire at /secret/path").rpcError
        #expect(error.code == -32603)
        #expect(error.data == nil)
    }
}
