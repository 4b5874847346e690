import Foundation
@testable import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// `session.get|list|delete|extend|set_metadata|stats|cleanup` with the injected clock: success,
/// expiry, auto-renew, and every bad input refused with nothing stored.
@Suite(.serialized) struct SessionLifecycleTests {
    // MARK: session.get

    @Test func getReturnsTheSessionAndRenewsIt() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "s", "ttl_secs": 100])
            clock.advance(by: 60)
            let info = try await server.checkedResult("session.get", ["session_id": "s"])
            #expect(info["last_accessed"] == .string(RFC3339.string(from: clock.now())))
            #expect(info["expires_at"] == .string(RFC3339.string(from: clock.now().addingTimeInterval(100))))
        }
    }

    @Test func getWithoutAutoRenewKeepsExpiry() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            let created = try await server.result("session.create", ["session_id": "s", "ttl_secs": 100, "auto_renew": false])
            clock.advance(by: 60)
            let info = try await server.result("session.get", ["session_id": "s"])
            #expect(info["expires_at"] == created["expires_at"])
        }
    }

    @Test func getAcceptsTheIdByPosition() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "pos"])
            let info = try await server.result("session.get", ["pos"])
            #expect(info["session_id"] == "pos")
        }
    }

    @Test func unknownSessionIsNotFound() async throws {
        try await TestServer.run { server in
            let error = try await server.expectRefused("session.get", ["session_id": "ghost"], code: -32001)
            #expect(error?["data"] == ["session_id": "ghost"])
            #expect(error?["message"] == "Session not found")
        }
    }

    @Test func expiredSessionIsNeverServed() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            let created = try await server.result("session.create", ["session_id": "old", "ttl_secs": 10])
            clock.advance(by: 10)
            let error = try await server.expectRefused("session.get", ["session_id": "old"], code: -32002, clock: clock)
            #expect(error?["data"] == ["session_id": "old", "expired_at": created["expires_at"]!])
        }
    }

    @Test func getWithoutSessionIdNamesTheField() async throws {
        try await TestServer.run { server in
            let error = try await server.expectRefused("session.get", [:], code: -32602, field: "session_id")
            #expect(error?["data"]?["reason"] == "required field is missing")
        }
    }

    @Test func getWithBadIdIsInvalidParams() async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.get", ["session_id": "a b"], code: -32602, field: "session_id")
            try await server.expectRefused("session.get", ["session_id": 12], code: -32602, field: "session_id")
        }
    }

    // MARK: session.list

    @Test func listPagesThroughLiveSessionsInIdOrder() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            for name in ["c", "a", "e", "b", "d"] {
                _ = try await server.result("session.create", ["session_id": .string(name)])
            }
            _ = try await server.result("session.create", ["session_id": "x-expired", "ttl_secs": 1])
            clock.advance(by: 2)
            let first = try await server.checkedResult("session.list", ["limit": 2])
            #expect(first["sessions"]?.arrayValue?.map { $0["session_id"] } == ["a", "b"])
            let cursor = try #require(first["next_cursor"])
            let second = try await server.checkedResult("session.list", ["limit": 2, "cursor": cursor])
            #expect(second["sessions"]?.arrayValue?.map { $0["session_id"] } == ["c", "d"])
            let last = try await server.checkedResult("session.list", ["limit": 2, "cursor": second["next_cursor"]!])
            #expect(last["sessions"]?.arrayValue?.map { $0["session_id"] } == ["e"])
            #expect(last["next_cursor"] == nil)
        }
    }

    @Test func listDefaultsTo100() async throws {
        try await TestServer.run { server in
            for index in 0..<101 {
                _ = try await server.result("session.create", ["session_id": .string("s\(index)")])
            }
            let page = try await server.result("session.list")
            #expect(page["sessions"]?.arrayValue?.count == 100)
            #expect(page["next_cursor"] != nil)
        }
    }

    @Test(arguments: [0, -1, 1001])
    func listLimitOutOfRangeIsRefused(limit: Int) async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.list", ["limit": .int(limit)], code: -32602, field: "limit")
        }
    }

    @Test func listWithBadCursorIsRefused() async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.list", ["cursor": "not a cursor!"], code: -32602, field: "cursor")
        }
    }

    // MARK: session.delete

    @Test func deleteReportsWhetherTheSessionExisted() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "d"])
            #expect(try await server.checkedResult("session.delete", ["session_id": "d"]) == ["deleted": true])
            #expect(try await server.checkedResult("session.delete", ["session_id": "d"]) == ["deleted": false])
            #expect(try await server.stored().isEmpty)
        }
    }

    @Test func deleteRemovesTheProfileDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sessions = SessionsConfiguration(backend: .memory, dataDirectory: directory.path)
        try await TestServer.run(sessions: sessions) { server in
            let profile = sessions.profilesDirectory + "/shop"
            try FileManager.default.createDirectory(atPath: profile + "/Default", withIntermediateDirectories: true)
            _ = try await server.result("session.create", ["session_id": "p", "profile": "shop"])
            _ = try await server.result("session.delete", ["session_id": "p"])
            #expect(!FileManager.default.fileExists(atPath: profile))
        }
    }

    @Test func deleteWithBadIdIsRefused() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "keep"])
            try await server.expectRefused("session.delete", ["session_id": "../keep"], code: -32602, field: "session_id")
        }
    }

    // MARK: session.extend

    @Test func extendCountsTheNewTtlFromNow() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "e", "ttl_secs": 60, "auto_renew": false])
            clock.advance(by: 30)
            let info = try await server.checkedResult("session.extend", ["session_id": "e", "ttl_secs": 3600])
            #expect(info["ttl_secs"] == 3600)
            #expect(info["expires_at"] == .string(RFC3339.string(from: clock.now().addingTimeInterval(3600))))
        }
    }

    @Test(arguments: [-5, 0, 2_592_001])
    func extendWithTtlOutOfRangeChangesNothing(ttl: Int) async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "e"])
            try await server.expectRefused(
                "session.extend", ["session_id": "e", "ttl_secs": .int(ttl)], code: -32602, field: "ttl_secs", clock: clock
            )
        }
    }

    @Test func extendWithoutTtlNamesIt() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "e"])
            try await server.expectRefused("session.extend", ["session_id": "e"], code: -32602, field: "ttl_secs")
        }
    }

    @Test func extendOfExpiredSessionIsRefused() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "e", "ttl_secs": 5])
            clock.advance(by: 6)
            try await server.expectRefused("session.extend", ["session_id": "e", "ttl_secs": 100], code: -32002, clock: clock)
        }
    }

    @Test func extendOfUnknownSessionIsNotFound() async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.extend", ["session_id": "nobody", "ttl_secs": 100], code: -32001)
        }
    }

    // MARK: session.set_metadata

    @Test func setMetadataMergesAndNullRemoves() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "m", "metadata": ["a": 1, "b": 2]])
            let info = try await server.checkedResult(
                "session.set_metadata", ["session_id": "m", "metadata": ["b": nil, "c": ["nested": true]]]
            )
            #expect(info["metadata"] == ["a": 1, "c": ["nested": true]])
            let stored = try await server.stored()
            #expect(stored.first?.metadata == ["a": 1, "c": ["nested": true]])
        }
    }

    @Test func setMetadataOverTheKeyLimitChangesNothing() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "m", "metadata": metadata(keys: 99)])
            try await server.expectRefused(
                "session.set_metadata", ["session_id": "m", "metadata": ["x": 1, "y": 2]], code: -32602, field: "metadata",
                clock: clock
            )
        }
    }

    @Test func setMetadataOverTheSizeLimitChangesNothing() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "m"])
            try await server.expectRefused(
                "session.set_metadata", ["session_id": "m", "metadata": metadata(keys: 3, valueBytes: 30_000)],
                code: -32602, field: "metadata", clock: clock
            )
        }
    }

    @Test func setMetadataNeedsAnObject() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "m"])
            try await server.expectRefused("session.set_metadata", ["session_id": "m", "metadata": "x"], code: -32602, field: "metadata")
            try await server.expectRefused("session.set_metadata", ["session_id": "m"], code: -32602, field: "metadata")
        }
    }

    @Test func setMetadataOnUnknownSessionIsNotFound() async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.set_metadata", ["session_id": "no", "metadata": ["a": 1]], code: -32001)
        }
    }

    // MARK: session.stats and session.cleanup

    @Test func statsCountLiveSessions() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "a"])
            _ = try await server.result("session.create", ["session_id": "b", "ttl_secs": 1])
            clock.advance(by: 2)
            let stats = try await server.checkedResult("session.stats")
            #expect(stats["active_sessions"] == 1)
            #expect(stats["expired_cleaned"] == 0)
        }
    }

    @Test func statsRefuseParams() async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.stats", ["verbose": true], code: -32602, field: "verbose")
        }
    }

    @Test func cleanupRemovesExpiredSessionsOnly() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "live"])
            _ = try await server.result("session.create", ["session_id": "gone", "ttl_secs": 1])
            clock.advance(by: 2)
            #expect(try await server.call("session.get", ["session_id": "gone"])["error"]?["code"] == -32002)
            #expect(try await server.checkedResult("session.cleanup") == ["removed": 1])
            #expect(try await server.call("session.get", ["session_id": "gone"])["error"]?["code"] == -32001)
            #expect(try await server.stored().map(\.sessionId.rawValue) == ["live"])
            #expect(try await server.result("session.stats")["expired_cleaned"] == 1)
        }
    }

    @Test func cleanupOfAnExpiredSessionRemovesItsProfile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = manualClock()
        let sessions = SessionsConfiguration(backend: .memory, dataDirectory: directory.path)
        try await TestServer.run(sessions: sessions, clock: clock) { server in
            let expiring = sessions.profilesDirectory + "/expiring"
            let kept = sessions.profilesDirectory + "/kept"
            for path in [expiring, kept] {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            }
            _ = try await server.result("session.create", ["session_id": "e", "ttl_secs": 1, "profile": "expiring"])
            _ = try await server.result("session.create", ["session_id": "k", "profile": "kept"])
            clock.advance(by: 2)
            _ = try await server.result("session.cleanup")
            #expect(!FileManager.default.fileExists(atPath: expiring))
            #expect(FileManager.default.fileExists(atPath: kept))
        }
    }

    @Test func backgroundCleanupServiceRemovesExpiredSessions() async throws {
        let clock = manualClock()
        let sessions = SessionsConfiguration(backend: .memory, cleanupInterval: .milliseconds(20))
        try await TestServer.run(sessions: sessions, clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "short", "ttl_secs": 1])
            clock.advance(by: 2)
            // Wait (bounded) for a pass of the service; no call of ours removes it.
            let deadline = ContinuousClock.now + .seconds(10)
            while try await !server.stored().isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await server.stored().isEmpty)
        }
    }
}
