import Foundation
import RenderTypes
import SessionContext
import Testing
import TestSupport

/// What every `SessionBackend` must do with tenants: two tenants' sessions of one id are two records,
/// and listing, cleanup and the summary see only the tenant they are asked for.
@Suite struct TenantIsolationContractTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)
    let acme = TenantID("acme")!
    let globex = TenantID("globex")!

    func record(_ id: String, _ tenant: TenantID, ttl: Int = 60) throws -> RpcSessionContext {
        RpcSessionContext(sessionId: try SessionID(validating: id, tenant: tenant), config: SessionConfig(ttlSeconds: ttl), now: now)
    }

    @Test(arguments: BackendKind.allCases)
    func twoTenantsKeepTwoRecordsOfOneId(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            var mine = try record("shop", acme)
            mine.metadata = ["owner": "acme"]
            mine.setCookies([Cookie(name: "sid", value: "acme-secret", domain: "shop.test")])
            try await backend.put(mine)
            #expect(try await backend.load(SessionID(validating: "shop", tenant: globex)) == nil)
            #expect(try await backend.load("shop") == nil)
            #expect(try await backend.insert(try record("shop", globex)))
            let stored = try #require(try await backend.load(SessionID(validating: "shop", tenant: acme)))
            #expect(stored == mine)
            #expect(stored.sessionId.tenant == acme)
            #expect(try await backend.load(SessionID(validating: "shop", tenant: globex))?.cookies.isEmpty == true)
            #expect(try await backend.delete(SessionID(validating: "shop", tenant: globex)) != nil)
            #expect(try await backend.load(SessionID(validating: "shop", tenant: acme)) == mine)
            #expect(try await backend.count() == 1)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func listSeesOnlyItsTenant(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            for id in ["a", "b", "c"] { try await backend.put(try record(id, acme)) }
            for id in ["b", "d"] { try await backend.put(try record(id, globex)) }
            try await backend.put(try record("a", .default))
            let acmes = try await backend.list(in: acme, after: nil, limit: 10, liveAt: nil)
            #expect(acmes.map(\.sessionId.rawValue) == ["a", "b", "c"])
            #expect(acmes.allSatisfy { $0.sessionId.tenant == acme })
            let page = try await backend.list(in: globex, after: SessionID(validating: "b", tenant: globex), limit: 10, liveAt: nil)
            #expect(page.map(\.sessionId.rawValue) == ["d"])
            #expect(try await backend.list(in: .default, after: nil, limit: 10, liveAt: nil).map(\.sessionId) == ["a"])
            #expect(try await backend.list(in: TenantID("nobody")!, after: nil, limit: 10, liveAt: nil).isEmpty)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func deleteExpiredOfOneTenantLeavesTheOthersAndCountsPerTenant(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            for id in ["x", "y"] { try await backend.put(try record(id, acme, ttl: 10)) }
            try await backend.put(try record("x", globex, ttl: 10))
            let later = now.addingTimeInterval(10)
            let removed = try await backend.deleteExpired(now: later, limit: 100, tenant: acme)
            #expect(Set(removed.map(\.id)) == [try SessionID(validating: "x", tenant: acme), try SessionID(validating: "y", tenant: acme)])
            #expect(try await backend.load(SessionID(validating: "x", tenant: globex)) != nil)
            #expect(try await backend.summary(now: later, tenant: acme).expiredCleaned == 2)
            #expect(try await backend.summary(now: later, tenant: globex).expiredCleaned == 0)
            let rest = try await backend.deleteExpired(now: later, limit: 100, tenant: nil)
            #expect(rest.map(\.id) == [try SessionID(validating: "x", tenant: globex)])
            #expect(try await backend.summary(now: later, tenant: globex).expiredCleaned == 1)
            #expect(try await backend.summary(now: later, tenant: nil).expiredCleaned == 3)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func summaryOfATenantAddsUpOnlyItsRecords(kind: BackendKind) async throws {
        try await withBackend(kind) { backend async throws in
            var a = try record("one", acme)
            a.recordRequest(url: nil, renderTimeMs: 10, at: now)
            try await backend.put(a)
            var g = try record("one", globex)
            g.recordRequest(url: nil, renderTimeMs: 30, at: now)
            g.recordRequest(url: nil, renderTimeMs: 30, at: now)
            try await backend.put(g)
            let acmeSummary = try await backend.summary(now: now, tenant: acme)
            #expect(acmeSummary.storedSessions == 1)
            #expect(acmeSummary.totalRequests == 1)
            #expect(acmeSummary.totalRenderTimeMs == 10)
            let all = try await backend.summary(now: now, tenant: nil)
            #expect(all.storedSessions == 2)
            #expect(all.totalRequests == 3)
            #expect(try await backend.summary(now: now, tenant: .default).storedSessions == 0)
        }
    }

    @Test(arguments: BackendKind.allCases)
    func storeOperationsOfOneTenantNeverReachAnothers(kind: BackendKind) async throws {
        try await withStore(kind) { store, _ in
            let mine = try SessionID(validating: "cart", tenant: acme)
            let theirs = mine.inTenant(globex)
            _ = try await store.create(id: mine, metadata: ["k": "v"])
            await expectSessionError(.notFound(theirs)) { () async throws(SessionError) in try await store.get(theirs) }
            await expectSessionError(.notFound(theirs)) { () async throws(SessionError) in try await store.mergeMetadata(theirs, ["x": 1]) }
            await expectSessionError(.notFound(theirs)) { () async throws(SessionError) in try await store.extend(theirs, ttlSeconds: 10) }
            #expect(try await store.remove(theirs) == nil)
            #expect(try await store.listSessions(tenant: globex).sessions.isEmpty)
            #expect(try await store.metrics(tenant: globex).activeSessions == 0)
            let created = try await store.create(id: theirs)
            #expect(created.metadata.isEmpty)
            #expect(try await store.get(mine).metadata == ["k": "v"])
            let generated = try await store.create(tenant: globex)
            #expect(generated.sessionId.tenant == globex)
            #expect(try await store.listSessions(tenant: acme).sessions.map(\.sessionId) == [mine])
        }
    }
}
