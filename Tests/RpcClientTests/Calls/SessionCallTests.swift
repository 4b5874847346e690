import Foundation
import RenderTypes
import RpcClient
import SessionContext
import Testing
import TestSupport

/// Every `session.*` call of the client round-trips through a real server: what the client sends
/// is what the server stores, and what the server answers comes back typed.
@Suite(.serialized) struct SessionCallTests {
    @Test func createSessionSendsEveryFieldAndReturnsTheSession() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                let info = try await client.createSession(
                    id: "shop-1", ttlSeconds: 3600, autoRenew: false, maxRequests: 7,
                    metadata: ["user": "ada", "tier": 2], keepWarm: false
                )
                #expect(info.sessionId == "shop-1")
                #expect(info.ttlSecs == 3600)
                #expect(info.autoRenew == false)
                #expect(info.maxRequests == 7)
                #expect(info.metadata == ["user": "ada", "tier": 2])
                #expect(info.expiresAt.timeIntervalSince(info.createdAt) == 3600)
                let stored = try await server.store.peek("shop-1")
                #expect(stored.config.maxRequests == 7)
                #expect(stored.metadata == ["user": "ada", "tier": 2])
            }
        }
    }

    @Test func createSessionWithoutIdGetsAGeneratedOne() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                let info = try await client.createSession()
                #expect(info.sessionId.rawValue.hasPrefix(SessionID.generatedPrefix))
                #expect(info.ttlSecs == 86_400)
            }
        }
    }

    @Test func sessionReturnsWhatCreateStored() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                let created = try await client.createSession(id: "s1", metadata: ["k": "v"])
                let fetched = try await client.session(id: "s1")
                #expect(fetched.sessionId == created.sessionId)
                #expect(fetched.createdAt == created.createdAt)
                #expect(fetched.metadata == ["k": "v"])
            }
        }
    }

    @Test func listSessionsPagesThroughEverySessionInIdOrder() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                for name in ["c", "a", "e", "b", "d"] { _ = try await client.createSession(id: SessionID(name)!) }
                var seen: [String] = []
                var cursor: String?
                repeat {
                    let page = try await client.listSessions(limit: 2, cursor: cursor)
                    #expect(page.sessions.count <= 2)
                    seen += page.sessions.map(\.sessionId.rawValue)
                    cursor = page.nextCursor
                } while cursor != nil
                #expect(seen == ["a", "b", "c", "d", "e"])
            }
        }
    }

    @Test func extendSessionSetsANewTTLFromNow() async throws {
        let clock = ManualWallClock()
        try await TestServer.run(clock: clock) { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "s", ttlSeconds: 100)
                clock.advance(by: 30)
                let extended = try await client.extendSession(id: "s", ttlSeconds: 500)
                #expect(extended.ttlSecs == 500)
                #expect(extended.expiresAt == clock.now().addingTimeInterval(500))
            }
        }
    }

    @Test func setMetadataMergesAndNullRemovesAKey() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "s", metadata: ["user": "ada", "plan": "free"])
                let info = try await client.setMetadata(id: "s", ["plan": "pro", "user": .null, "seats": 3])
                #expect(info.metadata == ["plan": "pro", "seats": 3])
            }
        }
    }

    @Test func deleteSessionSaysWhetherTheSessionExisted() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "s")
                #expect(try await client.deleteSession(id: "s") == true)
                #expect(try await client.deleteSession(id: "s") == false)
                #expect(try await server.store.sessionCount() == 0)
            }
        }
    }

    @Test func sessionStatsCountsTheServersSessions() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                for name in ["a", "b", "c"] { _ = try await client.createSession(id: SessionID(name)!) }
                let stats = try await client.sessionStats()
                #expect(stats.activeSessions == 3)
                #expect(stats.totalRequests == 0)
            }
        }
    }

    @Test func cleanupSessionsRemovesTheExpiredOnesAndCountsThem() async throws {
        let clock = ManualWallClock()
        try await TestServer.run(clock: clock) { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "short", ttlSeconds: 10)
                _ = try await client.createSession(id: "long", ttlSeconds: 1000)
                clock.advance(by: 11)
                #expect(try await client.cleanupSessions() == 1)
                #expect(try await client.listSessions().sessions.map(\.sessionId) == ["long"])
            }
        }
    }
}
