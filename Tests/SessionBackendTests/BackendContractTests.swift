import Foundation
import RenderTypes
import SessionContext
import Testing
import TestSupport

/// What every `SessionBackend` must do, run against each conformer.
@Suite struct BackendContractTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    func record(_ id: SessionID, ttl: Int = 60, at time: Date? = nil) -> RpcSessionContext {
        RpcSessionContext(sessionId: id, config: SessionConfig(ttlSeconds: ttl), now: time ?? now)
    }

    @Test(arguments: BackendKind.allCases)
    func loadOfAnUnknownIdIsNil(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            #expect(try await backend.load("nobody") == nil)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func everyFieldSurvivesAWriteAndARead(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            var session = record("full")
            session.recordRequest(url: "https://a.test/x", renderTimeMs: 33.5, at: now.addingTimeInterval(1))
            session.recordError("bad")
            session.metadata = ["user": ["id": 7, "tags": ["a", "b"]], "ok": true, "ratio": 0.5]
            session.setCookies([Cookie(name: "sid", value: "v", domain: ".a.test", path: "/p", expires: 1.8e9, secure: true, httpOnly: true, sameSite: Cookie.SameSite.none)])
            session.localStorage = ["https://a.test": ["k": "v"]]
            session.profile = "prof"
            session.keepWarm = true
            try await backend.put(session)
            #expect(try await backend.load("full") == session)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func modifyChangesTheStoredRecordAndReturnsTheBodysResult(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            try await backend.put(record("m"))
            let count = try await backend.modify("m") { (stored: inout RpcSessionContext?) -> Int in
                stored?.requestCount += 2
                return stored?.requestCount ?? -1
            }
            #expect(count == 2)
            #expect(try await backend.load("m")?.requestCount == 2)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func modifyOfAnAbsentIdThatLeavesNilStoresNothing(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            let sawNil = try await backend.modify("absent") { (stored: inout RpcSessionContext?) -> Bool in stored == nil }
            #expect(sawNil)
            #expect(try await backend.count() == 0)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func aLoadedRecordIsASnapshotThatLaterChangesDoNotReach(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            try await backend.put(record("snap"))
            let snapshot = try #require(try await backend.load("snap"))
            try await backend.modify("snap") { (stored: inout RpcSessionContext?) in stored?.requestCount = 5 }
            #expect(snapshot.requestCount == 0)
            #expect(try await backend.load("snap")?.requestCount == 5)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func timestampsOfAnyInstantSurviveBitForBit(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            var sessions: [RpcSessionContext] = []
            for index in 0..<50 {
                let instant = Date(timeIntervalSinceReferenceDate: 8e8 + Double.random(in: 0..<1e6))
                var session = RpcSessionContext(sessionId: SessionID(stringLiteral: "t\(index)"), now: instant)
                session.touch(at: instant.addingTimeInterval(Double.random(in: 0..<100)))
                sessions.append(session)
                try await backend.put(session)
            }
            for session in sessions {
                #expect(try await backend.load(session.sessionId) == session)
            }
        }
    }

    @Test(arguments: BackendKind.allCases)
    func updateAssigningARecordCreatesIt(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            let created = record("new")
            let result = try await backend.update("new") { (stored: inout RpcSessionContext?) -> Bool in
                let wasAbsent = stored == nil
                stored = created
                return wasAbsent
            }
            #expect(result)
            #expect(try await backend.load("new") == created)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func updateThatThrowsAfterChangingTheRecordWritesNothing(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            let original = record("keep")
            try await backend.put(original)
            await expectSessionError(.notFound("keep")) { () async throws(SessionError) in
                try await backend.update("keep") { (stored: inout RpcSessionContext?) throws(SessionError) in
                    stored!.requestCount = 99
                    stored!.metadata["x"] = 1
                    throw .notFound("keep")
                }
            }
            #expect(try await backend.load("keep") == original)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func updateThatThrowsAfterCreatingWritesNothing(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            let created = record("ghost")
            await expectSessionError(.alreadyExists("ghost")) { () async throws(SessionError) in
                try await backend.update("ghost") { (stored: inout RpcSessionContext?) throws(SessionError) in
                    stored = created
                    throw .alreadyExists("ghost")
                }
            }
            #expect(try await backend.load("ghost") == nil)
            #expect(try await backend.count() == 0)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func updateSettingNilDeletes(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            try await backend.put(record("gone"))
            try await backend.update("gone") { (stored: inout RpcSessionContext?) in stored = nil }
            #expect(try await backend.load("gone") == nil)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func updateMayNotChangeTheSessionId(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            let original = record("mine")
            try await backend.put(original)
            let other = record("other")
            await expectInvalidValue(field: "session_id") { () async throws(SessionError) in
                try await backend.update("mine") { (stored: inout RpcSessionContext?) in stored = other }
            }
            #expect(try await backend.load("mine") == original)
            #expect(try await backend.load("other") == nil)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func deleteReturnsTheRemovedRecordOrNil(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            let session = record("del")
            try await backend.put(session)
            #expect(try await backend.delete("del") == session)
            #expect(try await backend.delete("del") == nil)
            #expect(try await backend.load("del") == nil)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func insertRefusesATakenId(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            #expect(try await backend.insert(record("one")))
            #expect(try await !backend.insert(record("one", ttl: 5)))
            #expect(try await backend.load("one")?.config.ttlSeconds == 60)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func listPagesThroughEveryRecordInIdOrder(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            var ids: [SessionID] = (0..<30).map { _ in SessionID.generate() }
            ids += ["a", "Z", "user-1", "user-10", "user-2", "ses_x", "0"]
            for id in ids { try await backend.put(record(id)) }
            var seen: [SessionID] = []
            var cursor: SessionID?
            while true {
                let page = try await backend.list(after: cursor, limit: 7, liveAt: nil)
                seen += page.map(\.sessionId)
                guard page.count == 7 else { break }
                cursor = page.last?.sessionId
            }
            #expect(seen == ids.sorted())
            #expect(seen.map(\.rawValue) == ids.map(\.rawValue).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    @Test(arguments: BackendKind.allCases)
    func listLiveAtLeavesOutExpiredRecords(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            try await backend.put(record("short", ttl: 10))
            try await backend.put(record("long", ttl: 100))
            let live = try await backend.list(after: nil, limit: 10, liveAt: now.addingTimeInterval(10))
            #expect(live.map(\.sessionId) == ["long"])
            #expect(try await backend.list(after: nil, limit: 10, liveAt: nil).count == 2)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func deleteExpiredRemovesOnlyExpiredRecordsUpToTheLimitAndCountsThem(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            for index in 0..<5 {
                var session = record(SessionID(stringLiteral: "old-\(index)"), ttl: 10)
                session.profile = index == 0 ? "p0" : nil
                try await backend.put(session)
            }
            try await backend.put(record("fresh", ttl: 100))
            let later = now.addingTimeInterval(10)
            let first = try await backend.deleteExpired(now: later, limit: 3)
            let second = try await backend.deleteExpired(now: later, limit: 3)
            #expect(first.count == 3)
            #expect(second.count == 2)
            #expect(Set((first + second).map(\.id.rawValue)) == Set((0..<5).map { "old-\($0)" }))
            #expect((first + second).first { $0.id == "old-0" }?.profile == "p0")
            #expect(try await backend.count() == 1)
            #expect(try await backend.summary(now: later).expiredCleaned == 5)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func summaryAddsUpTheStoredRecords(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            var a = record("a", ttl: 100)
            a.recordRequest(url: nil, renderTimeMs: 10, at: now)
            a.recordRequest(url: nil, renderTimeMs: 30, at: now)
            a.recordError("x")
            var b = record("b", ttl: 5)
            b.recordRequest(url: nil, renderTimeMs: 20, at: now)
            b.requestCount += 1  // admitted but never completed
            try await backend.put(a)
            try await backend.put(b)
            let summary = try await backend.summary(now: now.addingTimeInterval(10))
            #expect(summary.storedSessions == 2)
            #expect(summary.activeSessions == 1)
            #expect(summary.totalRequests == 4)
            #expect(summary.renderedRequests == 3)
            #expect(summary.totalRenderTimeMs == 60)
            #expect(summary.errors == 1)
            #expect(summary.totalActiveAgeSeconds == 10)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func countIncludesExpiredRecords(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            try await backend.put(record("x", ttl: 1, at: now.addingTimeInterval(-100)))
            try await backend.put(record("y"))
            #expect(try await backend.count() == 2)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func concurrentUpdatesOfOneRecordAreNeverLost(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            try await backend.put(record("hot"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<500 {
                    group.addTask {
                        try await backend.update("hot") { (stored: inout RpcSessionContext?) in stored!.requestCount += 1 }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await backend.load("hot")?.requestCount == 500)
        }
    }
}
