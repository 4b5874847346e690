import Foundation
import RenderTypes
import Testing
@testable import SessionContext

@Suite struct RpcSessionContextTests {
    let start = Date(timeIntervalSince1970: 1_767_225_600)

    func session(_ config: SessionConfig = SessionConfig()) -> RpcSessionContext {
        RpcSessionContext(sessionId: "s1", config: config, now: start)
    }

    @Test func defaultConfigIsTheClientDefaults() {
        let config = SessionConfig()
        #expect(config.ttlSeconds == 1800)
        #expect(config.autoRenew)
        #expect(config.maxRequests == 0)
        #expect(config.trackMetrics)
    }

    @Test func newSessionExpiresTtlAfterCreation() {
        let s = session(SessionConfig(ttlSeconds: 60))
        #expect(s.expiresAt == start.addingTimeInterval(60))
        #expect(s.state == .active)
        #expect(!s.isExpired(at: start.addingTimeInterval(59.999)))
    }

    @Test func expiryIsInclusiveOfExpiresAt() {
        let s = session(SessionConfig(ttlSeconds: 60))
        #expect(s.isExpired(at: start.addingTimeInterval(60)))
    }

    @Test func touchWithAutoRenewMovesExpiryToAccessPlusTtl() {
        var s = session(SessionConfig(ttlSeconds: 60, autoRenew: true))
        s.touch(at: start.addingTimeInterval(50))
        #expect(s.lastAccessed == start.addingTimeInterval(50))
        #expect(s.expiresAt == start.addingTimeInterval(110))
    }

    @Test func touchWithoutAutoRenewKeepsExpiryAtCreationPlusTtl() {
        var s = session(SessionConfig(ttlSeconds: 60, autoRenew: false))
        s.touch(at: start.addingTimeInterval(50))
        #expect(s.lastAccessed == start.addingTimeInterval(50))
        #expect(s.expiresAt == start.addingTimeInterval(60))
    }

    @Test func recordRequestCountsRecordsUrlTimeAndTouches() {
        var s = session()
        s.recordRequest(url: "https://a.test/1", renderTimeMs: 100, at: start.addingTimeInterval(5))
        s.recordRequest(url: "https://a.test/2", renderTimeMs: 300, at: start.addingTimeInterval(9))
        #expect(s.requestCount == 2)
        #expect(s.renderCount == 2)
        #expect(s.totalRenderTimeMs == 400)
        #expect(s.avgRenderTimeMs == 200)
        #expect(s.lastUrl == "https://a.test/2")
        #expect(s.lastAccessed == start.addingTimeInterval(9))
    }

    @Test func withoutTrackMetricsRequestsCountButTimesAreNotRecorded() {
        var s = session(SessionConfig(trackMetrics: false))
        s.recordRequest(url: nil, renderTimeMs: 100, at: start)
        #expect(s.requestCount == 1)
        #expect(s.renderCount == 0)
        #expect(s.totalRenderTimeMs == 0)
    }

    @Test func negativeOrNonFiniteRenderTimesAreIgnored() {
        var s = session()
        s.recordRender(url: nil, renderTimeMs: -1)
        s.recordRender(url: nil, renderTimeMs: .nan)
        #expect(s.renderCount == 0)
    }

    @Test func requestLimitIsReachedAtMaxRequests() {
        var s = session(SessionConfig(maxRequests: 2))
        #expect(!s.isRequestLimitReached)
        s.recordRequest(url: nil, renderTimeMs: 1, at: start)
        #expect(!s.isRequestLimitReached)
        s.recordRequest(url: nil, renderTimeMs: 1, at: start)
        #expect(s.isRequestLimitReached)
        #expect(s.currentState(at: start) == .limitReached)
    }

    @Test func zeroMaxRequestsIsUnlimited() {
        var s = session(SessionConfig(maxRequests: 0))
        for _ in 0..<1000 { s.recordRequest(url: nil, renderTimeMs: 1, at: start) }
        #expect(!s.isRequestLimitReached)
    }

    @Test func recordErrorCountsAndKeepsTheBoundedMessage() {
        var s = session()
        s.recordError("boom")
        s.recordError(String(repeating: "x", count: 10_000))
        #expect(s.errorCount == 2)
        #expect(s.lastError?.count == RpcSessionContext.maxRecordedTextLength)
    }

    @Test func metadataSetGetAndNullRemoves() {
        var s = session()
        s.setMetadata("alice", forKey: "user")
        #expect(s.metadataValue(forKey: "user") == "alice")
        s.setMetadata(.null, forKey: "user")
        #expect(s.metadataValue(forKey: "user") == nil)
    }

    @Test func mergeMetadataSetsKeysAndNullRemovesThem() {
        var s = session()
        s.metadata = ["a": 1, "b": 2]
        s.mergeMetadata(["b": .null, "c": 3])
        #expect(s.metadata == ["a": 1, "c": 3])
    }

    @Test func ageIsSecondsSinceCreation() {
        #expect(session().ageSeconds(at: start.addingTimeInterval(42.5)) == 42.5)
    }

    @Test func extendGivesANewTtlFromNowAlsoWithoutAutoRenew() {
        var s = session(SessionConfig(ttlSeconds: 60, autoRenew: false))
        s.extend(ttlSeconds: 600, at: start.addingTimeInterval(30))
        #expect(s.config.ttlSeconds == 600)
        #expect(s.expiresAt == start.addingTimeInterval(630))
    }

    @Test func aCopyIsIndependentOfTheOriginal() {
        let original = session()
        var copy = original
        copy.recordRequest(url: "https://a.test/", renderTimeMs: 5, at: start)
        copy.metadata["k"] = "v"
        #expect(original.requestCount == 0)
        #expect(original.metadata.isEmpty)
        #expect(original.lastUrl == nil)
        #expect(copy.requestCount == 1)
        #expect(copy != original)
    }

    @Test func equalityComparesFieldsNotIdentity() {
        var a = session()
        var b = session()
        #expect(a == b)
        a.metadata["x"] = 1
        #expect(a != b)
        b.metadata["x"] = 1
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
    }

    @Test func storedFormRoundTripsEveryField() throws {
        var s = session(SessionConfig(ttlSeconds: 99, autoRenew: false, maxRequests: 7, trackMetrics: false))
        s.recordRequest(url: "https://a.test/", renderTimeMs: 12.25, at: start.addingTimeInterval(1.5))
        s.recordError("oops")
        s.metadata = ["k": ["nested": [1, 2.5, "x", true, nil]]]
        s.setCookies([Cookie(name: "sid", value: "1", domain: "a.test", expires: 2e9, secure: true, httpOnly: true, sameSite: .lax)])
        s.localStorage = ["https://a.test": ["theme": "dark"]]
        s.profile = "shop"
        s.keepWarm = true
        s.state = .limitReached
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(RpcSessionContext.self, from: data) == s)
    }

    @Test func storedFormUsesSnakeCaseKeys() throws {
        let json = try JSONValue(encoding: session())
        let keys = Set(json.objectValue?.keys.map { $0 } ?? [])
        #expect(keys.isSuperset(of: ["session_id", "created_at", "last_accessed", "expires_at", "request_count", "config"]))
        #expect(json["config"]?["ttl_secs"] == 1800)
    }
}
