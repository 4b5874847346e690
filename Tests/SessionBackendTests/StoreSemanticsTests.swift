import Foundation
import RenderTypes
import SessionContext
import Testing
import TestSupport

/// SPEC "Session semantics" through `RpcSessionStore`, over each backend, with a manual clock.
@Suite struct StoreSemanticsTests {
    static let shortTTL = RpcSessionStore<AnySessionBackend>.Configuration(defaultConfig: SessionConfig(ttlSeconds: 60))

    // MARK: getOrCreate and create

    @Test(arguments: BackendKind.allCases)
    func getOrCreateOfANewIdCreatesItWithTheStoreDefault(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            let session = try await store.getOrCreate(id: "new")
            #expect(session.config == SessionConfig(ttlSeconds: 60))
            #expect(session.createdAt == clock.now())
            #expect(session.expiresAt == clock.now().addingTimeInterval(60))
            #expect(try await store.sessionCount() == 1)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func getOrCreateOfALiveIdReturnsItTouchedAndIgnoresTheGivenConfig(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            let created = try await store.getOrCreate(id: "s")
            clock.advance(by: 30)
            let again = try await store.getOrCreate(id: "s", config: SessionConfig(ttlSeconds: 5))
            #expect(again.createdAt == created.createdAt)
            #expect(again.config.ttlSeconds == 60)
            #expect(again.expiresAt == clock.now().addingTimeInterval(60))
        }
    }

    @Test(arguments: BackendKind.allCases)
    func getOrCreateOfAnExpiredIdThrowsExpiredAndDoesNotResetIt(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            let created = try await store.getOrCreate(id: "old")
            try await store.recordRequest("old", url: nil, renderTimeMs: 1)
            clock.advance(by: 61)
            await expectSessionError(.expired("old", expiredAt: created.expiresAt)) { () async throws(SessionError) in
                try await store.getOrCreate(id: "old")
            }
            #expect(try await store.backend.load("old")?.requestCount == 1)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func createWithoutIdGeneratesASesId(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let session = try await store.create(metadata: ["k": "v", "dropped": .null], profile: "p", keepWarm: true)
            #expect(session.sessionId.rawValue.hasPrefix("ses_"))
            #expect(session.metadata == ["k": "v"])
            #expect(try await store.get(session.sessionId).profile == "p")
        }
    }

    @Test(arguments: BackendKind.allCases)
    func createOfATakenIdFailsAndChangesNothing(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let first = try await store.create(id: "taken", metadata: ["v": 1])
            await expectSessionError(.alreadyExists("taken")) { () async throws(SessionError) in
                try await store.create(id: "taken", metadata: ["v": 2])
            }
            #expect(try await store.peek("taken") == first)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func createRefusesAnOutOfBoundsTtlOrMetadataAndStoresNothing(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            await expectInvalidValue(field: "ttl_secs") { () async throws(SessionError) in
                try await store.create(id: "a", config: SessionConfig(ttlSeconds: 0))
            }
            await expectInvalidValue(field: "ttl_secs") { () async throws(SessionError) in
                try await store.create(id: "a", config: SessionConfig(ttlSeconds: 31 * 86_400))
            }
            await expectInvalidValue(field: "max_requests") { () async throws(SessionError) in
                try await store.create(id: "a", config: SessionConfig(maxRequests: -1))
            }
            let tooMany = Dictionary(uniqueKeysWithValues: (0..<101).map { ("k\($0)", JSONValue.int($0)) })
            await expectInvalidValue(field: "metadata") { () async throws(SessionError) in
                try await store.create(id: "a", metadata: tooMany)
            }
            await expectInvalidValue(field: "metadata") { () async throws(SessionError) in
                try await store.create(id: "a", metadata: ["big": .string(String(repeating: "x", count: 70_000))])
            }
            #expect(try await store.sessionCount() == 0)
        }
    }

    // MARK: Expiry

    @Test(arguments: BackendKind.allCases)
    func withAutoRenewEveryAccessMovesExpiry(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            _ = try await store.getOrCreate(id: "s")
            for _ in 0..<5 {
                clock.advance(by: 50)
                _ = try await store.get("s")
            }
            clock.advance(by: 59)
            #expect(try await store.get("s").requestCount == 0)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func withoutAutoRenewASessionExpiresTtlAfterCreationDespiteAccess(kind: BackendKind) async throws {
        try await withStore(kind) { store, clock async throws in
            let created = try await store.getOrCreate(id: "s", config: SessionConfig(ttlSeconds: 60, autoRenew: false))
            clock.advance(by: 50)
            _ = try await store.get("s")
            clock.advance(by: 10)
            await expectSessionError(.expired("s", expiredAt: created.createdAt.addingTimeInterval(60))) {
                () async throws(SessionError) in try await store.get("s")
            }
        }
    }

    @Test(arguments: BackendKind.allCases)
    func anExpiredSessionIsNeverServed(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            let created = try await store.getOrCreate(id: "s")
            clock.advance(by: 60)
            let expired = SessionError.expired("s", expiredAt: created.expiresAt)
            await expectSessionError(expired) { () async throws(SessionError) in try await store.get("s") }
            await expectSessionError(expired) { () async throws(SessionError) in try await store.peek("s") }
            await expectSessionError(expired) { () async throws(SessionError) in try await store.update("s") { $0.metadata["x"] = 1 } }
            await expectSessionError(expired) { () async throws(SessionError) in try await store.beginRequest("s") }
            await expectSessionError(expired) { () async throws(SessionError) in
                try await store.beginRequest("s", createIfMissing: true)
            }
            await expectSessionError(expired) { () async throws(SessionError) in
                try await store.recordRequest("s", url: nil, renderTimeMs: 1)
            }
            await expectSessionError(expired) { () async throws(SessionError) in try await store.extend("s", ttlSeconds: 600) }
            #expect(try await store.listSessions().sessions.isEmpty)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func anExpiredSessionStaysExpiredUntilCleanupThenIsNotFound(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            let created = try await store.getOrCreate(id: "s")
            _ = try await store.getOrCreate(id: "live", config: SessionConfig(ttlSeconds: 600))
            clock.advance(by: 59)
            _ = try await store.get("live")
            clock.advance(by: 1)
            await expectSessionError(.expired("s", expiredAt: created.expiresAt)) { () async throws(SessionError) in
                try await store.get("s")
            }
            let removed = try await store.cleanupExpired()
            #expect(removed.map(\.id) == ["s"])
            await expectSessionError(.notFound("s")) { () async throws(SessionError) in try await store.get("s") }
            #expect(try await store.get("live").sessionId == "live")
            #expect(try await store.metrics().expiredCleaned == 1)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func peekDoesNotRenew(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            let created = try await store.getOrCreate(id: "s")
            clock.advance(by: 30)
            #expect(try await store.peek("s").expiresAt == created.expiresAt)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func extendGivesANewTtlFromNowAndRefusesAnOutOfBoundsOne(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            _ = try await store.getOrCreate(id: "s")
            clock.advance(by: 30)
            let extended = try await store.extend("s", ttlSeconds: 3600)
            #expect(extended.expiresAt == clock.now().addingTimeInterval(3600))
            await expectInvalidValue(field: "ttl_secs") { () async throws(SessionError) in
                try await store.extend("s", ttlSeconds: -1)
            }
            #expect(try await store.peek("s").config.ttlSeconds == 3600)
        }
    }

    // MARK: Updates

    @Test(arguments: BackendKind.allCases)
    func updateOfAnUnknownIdIsNotFound(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            await expectSessionError(.notFound("nope")) { () async throws(SessionError) in
                try await store.update("nope") { $0.metadata["x"] = 1 }
            }
            #expect(try await store.sessionCount() == 0)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func withSessionThatThrowsChangesNothing(kind: BackendKind) async throws {
        try await withStore(kind) { store, clock async throws in
            let before = try await store.getOrCreate(id: "s")
            clock.advance(by: 10)
            await expectSessionError(.invalidValue(field: "x", reason: "no")) { () async throws(SessionError) in
                try await store.withSession("s") { (session: inout RpcSessionContext) throws(SessionError) in
                    session.metadata["x"] = 1
                    throw .invalidValue(field: "x", reason: "no")
                }
            }
            #expect(try await store.backend.load("s") == before)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func anUpdateBreakingALimitChangesNothing(kind: BackendKind) async throws {
        let limits = SessionLimits(maxMetadataKeys: 2, maxCookies: 1)
        try await withStore(kind, configuration: .init(limits: limits)) { store, _ async throws in
            let before = try await store.create(id: "s", metadata: ["a": 1])
            await expectInvalidValue(field: "metadata") { () async throws(SessionError) in
                try await store.mergeMetadata("s", ["b": 2, "c": 3])
            }
            await expectInvalidValue(field: "cookies") { () async throws(SessionError) in
                try await store.update("s") {
                    $0.setCookies([Cookie(name: "a", value: "1", domain: "x.test"), Cookie(name: "b", value: "1", domain: "x.test")])
                }
            }
            #expect(try await store.backend.load("s") == before)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func mergeMetadataSetsKeysAndNullRemovesThem(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.create(id: "s", metadata: ["a": 1, "b": 2])
            let merged = try await store.mergeMetadata("s", ["b": .null, "c": "x"])
            #expect(merged.metadata == ["a": 1, "c": "x"])
            #expect(try await store.peek("s").metadata == ["a": 1, "c": "x"])
        }
    }

    @Test(arguments: BackendKind.allCases)
    func removeReturnsTheRemovedSessionWhateverItsState(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            _ = try await store.create(id: "s", profile: "p")
            clock.advance(by: 1000)
            #expect(try await store.remove("s")?.profile == "p")
            #expect(try await store.remove("s") == nil)
        }
    }

    // MARK: Requests

    @Test(arguments: BackendKind.allCases)
    func beginRequestCountsAndTouchesBeforeWork(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            _ = try await store.getOrCreate(id: "s")
            clock.advance(by: 20)
            let admitted = try await store.beginRequest("s")
            #expect(admitted.requestCount == 1)
            #expect(admitted.lastAccessed == clock.now())
            #expect(try await store.peek("s").requestCount == 1)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func theRequestOverTheLimitIsRefusedAndNotCounted(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.getOrCreate(id: "s", config: SessionConfig(maxRequests: 2))
            try await store.beginRequest("s")
            try await store.beginRequest("s")
            await expectSessionError(.requestLimitReached("s", maxRequests: 2)) { () async throws(SessionError) in
                try await store.beginRequest("s")
            }
            await expectSessionError(.requestLimitReached("s", maxRequests: 2)) { () async throws(SessionError) in
                try await store.recordRequest("s", url: nil, renderTimeMs: 1)
            }
            let session = try await store.get("s")
            #expect(session.requestCount == 2)
            #expect(session.state == .limitReached)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func beginRequestOnANeverSeenIdCreatesItOnlyWhenAsked(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            await expectSessionError(.notFound("fresh")) { () async throws(SessionError) in
                try await store.beginRequest("fresh")
            }
            #expect(try await store.beginRequest("fresh", createIfMissing: true).requestCount == 1)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func beginRequestBindsAProfileOnlyToASessionWithoutOne(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            #expect(try await store.beginRequest("p", createIfMissing: true, bindingProfile: "work").profile == "work")
            #expect(try await store.beginRequest("p", bindingProfile: "other").profile == "work")
            let stored = try await store.peek("p")
            #expect(stored.profile == "work")
            #expect(stored.requestCount == 2)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func completeRequestRecordsUrlAndTimeWithoutCountingAgain(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.getOrCreate(id: "s")
            try await store.beginRequest("s")
            try await store.completeRequest("s", url: "https://a.test/", renderTimeMs: 80)
            let session = try await store.peek("s")
            #expect(session.requestCount == 1)
            #expect(session.renderCount == 1)
            #expect(session.lastUrl == "https://a.test/")
            #expect(session.avgRenderTimeMs == 80)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func completeRequestOfASessionThatExpiredMeanwhileRecordsWithoutRenewing(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            let admitted = try await store.beginRequest("s", createIfMissing: true)
            clock.advance(by: 90)
            try await store.completeRequest("s", url: nil, renderTimeMs: 90_000)
            try await store.recordError("s", message: "slow")
            let stored = try await store.backend.load("s")
            #expect(stored?.renderCount == 1)
            #expect(stored?.errorCount == 1)
            #expect(stored?.expiresAt == admitted.expiresAt)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func completeRequestWritesBackTheBrowserStateWithTheTimingInOneStep(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.create(id: "s")
            try await store.update("s") { $0.localStorage = ["https://a.test": ["old": "1"], "https://b.test": ["keep": "2"]] }
            try await store.beginRequest("s")
            let jar = [Cookie(name: "sid", value: "abc", domain: "a.test", httpOnly: true)]
            let stored = try await store.completeRequest("s", RequestOutcome(
                url: "https://a.test/dashboard", renderTimeMs: 120, cookies: jar,
                localStorage: ["https://a.test": ["user": "alice"]]
            ))
            #expect(stored == (try await store.peek("s")))
            #expect(stored.requestCount == 1)
            #expect(stored.renderCount == 1)
            #expect(stored.totalRenderTimeMs == 120)
            #expect(stored.lastUrl == "https://a.test/dashboard")
            #expect(stored.cookies == jar)
            #expect(stored.localStorage == ["https://a.test": ["user": "alice"], "https://b.test": ["keep": "2"]])
            #expect(stored.errorCount == 0)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func completeRequestOfAFailedRequestCountsTheErrorWithoutATime(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.beginRequest("s", createIfMissing: true)
            let stored = try await store.completeRequest("s", RequestOutcome(url: "https://a.test/", error: "net::ERR_FAILED"))
            #expect(stored.errorCount == 1)
            #expect(stored.lastError == "net::ERR_FAILED")
            #expect(stored.renderCount == 0)
            #expect(stored.lastUrl == "https://a.test/")
        }
    }

    @Test(arguments: BackendKind.allCases)
    func completeRequestOverALimitStoresNothing(kind: BackendKind) async throws {
        try await withStore(kind, configuration: .init(limits: SessionLimits(maxCookies: 1))) { store, _ async throws in
            _ = try await store.beginRequest("s", createIfMissing: true)
            let before = try await store.backend.load("s")
            let jar = [Cookie(name: "a", value: "1", domain: "a.test"), Cookie(name: "b", value: "2", domain: "a.test")]
            await expectInvalidValue(field: "cookies") { () async throws(SessionError) in
                try await store.completeRequest("s", RequestOutcome(url: "https://a.test/", renderTimeMs: 5, cookies: jar))
            }
            #expect(try await store.backend.load("s") == before)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func completeRequestOfARemovedSessionIsNotFound(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.beginRequest("s", createIfMissing: true)
            try await store.remove("s")
            await expectSessionError(.notFound("s")) { () async throws(SessionError) in
                try await store.completeRequest("s", RequestOutcome(renderTimeMs: 1))
            }
            #expect(try await store.sessionCount() == 0)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func recordErrorCountsAndKeepsTheMessage(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.getOrCreate(id: "s")
            try await store.recordError("s", message: "navigation failed")
            let session = try await store.peek("s")
            #expect(session.errorCount == 1)
            #expect(session.lastError == "navigation failed")
            #expect(try await store.metrics().errors == 1)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func aThousandConcurrentRecordRequestsOnOneSessionCountExactlyAThousand(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.getOrCreate(id: "hot")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<1000 {
                    group.addTask { try await store.recordRequest("hot", url: "https://a.test/\(index)", renderTimeMs: 2) }
                }
                try await group.waitForAll()
            }
            let session = try await store.peek("hot")
            #expect(session.requestCount == 1000)
            #expect(session.renderCount == 1000)
            #expect(session.totalRenderTimeMs == 2000)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func aRequestLimitIsNeverOvershotUnderConcurrency(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            _ = try await store.getOrCreate(id: "capped", config: SessionConfig(maxRequests: 10))
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<300 {
                    group.addTask {
                        do throws(SessionError) {
                            if index.isMultiple(of: 2) {
                                try await store.beginRequest("capped")
                            } else {
                                try await store.recordRequest("capped", url: nil, renderTimeMs: 1)
                            }
                            return true
                        } catch {
                            guard case .requestLimitReached = error else { throw error }
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 10)
            #expect(try await store.peek("capped").requestCount == 10)
        }
    }

    // MARK: Listing and metrics

    @Test(arguments: BackendKind.allCases)
    func listSessionsPagesInIdOrderWithACursor(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            let ids: [SessionID] = (0..<25).map { SessionID(stringLiteral: String(format: "s-%02d", $0)) }
            for id in ids.shuffled() { _ = try await store.getOrCreate(id: id) }
            let first = try await store.listSessions(limit: 10)
            let second = try await store.listSessions(limit: 10, cursor: first.nextCursor)
            let third = try await store.listSessions(limit: 10, cursor: second.nextCursor)
            #expect((first.sessions + second.sessions + third.sessions).map(\.sessionId) == ids)
            #expect(first.nextCursor == "s-09")
            #expect(third.nextCursor == nil)
            #expect(third.sessions.count == 5)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func aFullLastPageHasNoNextCursor(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            for index in 0..<4 { _ = try await store.getOrCreate(id: SessionID(stringLiteral: "s\(index)")) }
            #expect(try await store.listSessions(limit: 4).nextCursor == nil)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func listSessionsRefusesABadLimitOrCursor(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ async throws in
            await expectInvalidValue(field: "limit") { () async throws(SessionError) in try await store.listSessions(limit: 0) }
            await expectInvalidValue(field: "limit") { () async throws(SessionError) in try await store.listSessions(limit: 1001) }
            await expectInvalidValue(field: "cursor") { () async throws(SessionError) in
                try await store.listSessions(cursor: "not a cursor")
            }
        }
    }

    @Test(arguments: BackendKind.allCases)
    func metricsAddUpRequestsRenderTimesAndAges(kind: BackendKind) async throws {
        try await withStore(kind, configuration: Self.shortTTL) { store, clock async throws in
            _ = try await store.getOrCreate(id: "a")
            _ = try await store.getOrCreate(id: "b")
            _ = try await store.getOrCreate(id: "quiet", config: SessionConfig(trackMetrics: false))
            for time in [10.0, 20, 30, 40] { try await store.recordRequest("a", url: nil, renderTimeMs: time) }
            try await store.recordRequest("b", url: nil, renderTimeMs: 100)
            try await store.recordRequest("quiet", url: nil, renderTimeMs: 5000)
            clock.advance(by: 30)
            let metrics = try await store.metrics()
            #expect(metrics.activeSessions == 3)
            #expect(metrics.totalRequests == 6)
            #expect(metrics.totalRenderTimeMs == 200)
            #expect(metrics.avgRenderTimeMs == 40)
            #expect(metrics.avgSessionAgeSeconds == 30)
            #expect(abs(metrics.p50RenderMs - 30) <= 30 * 0.016)
            #expect(abs(metrics.p99RenderMs - 100) <= 1.6)
            #expect(metrics.expiredCleaned == 0)
        }
    }
}
