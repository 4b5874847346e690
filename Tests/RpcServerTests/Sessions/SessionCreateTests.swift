import Foundation
@testable import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// `session.create`: success with defaults and with every param, and every bad input refused
/// with the documented error and nothing stored.
@Suite(.serialized) struct SessionCreateTests {
    @Test func createsWithGeneratedIdAndServerDefaults() async throws {
        try await TestServer.run { server in
            let info = try await server.checkedResult("session.create")
            let id = try #require(info["session_id"]?.stringValue)
            #expect(id.hasPrefix("ses_") && id.count == 36)
            #expect(info["ttl_secs"] == 86_400)
            #expect(info["auto_renew"] == true)
            #expect(info["max_requests"] == 0)
            #expect(info["request_count"] == 0)
            #expect(info["cookie_count"] == 0)
            #expect(info["metadata"] == [:])
            #expect(try await server.stored().map(\.sessionId.rawValue) == [id])
        }
    }

    @Test func createsWithEveryParam() async throws {
        let clock = manualClock()
        try await TestServer.run(clock: clock) { server in
            let info = try await server.checkedResult(
                "session.create",
                [
                    "session_id": "user-42.a_b", "ttl_secs": 600, "auto_renew": false, "max_requests": 5,
                    "metadata": ["team": "blue", "n": 3], "profile": "shop_1", "keep_warm": true,
                ]
            )
            #expect(info["session_id"] == "user-42.a_b")
            #expect(info["ttl_secs"] == 600)
            #expect(info["auto_renew"] == false)
            #expect(info["max_requests"] == 5)
            #expect(info["metadata"] == ["team": "blue", "n": 3])
            #expect(info["profile"] == "shop_1")
            #expect(info["created_at"] == .string(RFC3339.string(from: clock.now())))
            #expect(info["expires_at"] == .string(RFC3339.string(from: clock.now().addingTimeInterval(600))))
            let stored = try #require(try await server.stored().first)
            #expect(stored.keepWarm)
        }
    }

    @Test func existingIdIsRefused() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "taken"])
            try await server.expectRefused("session.create", ["session_id": "taken", "ttl_secs": 5], code: -32602, field: "session_id")
        }
    }

    @Test(arguments: ["", "has space", "slash/x", "../etc", "ünï", String(repeating: "a", count: 129)])
    func badIdIsRefused(id: String) async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.create", ["session_id": .string(id)], code: -32602, field: "session_id")
            #expect(try await server.stored().isEmpty)
        }
    }

    @Test func idOf128CharactersIsAccepted() async throws {
        try await TestServer.run { server in
            let id = String(repeating: "a", count: 128)
            let info = try await server.result("session.create", ["session_id": .string(id)])
            #expect(info["session_id"] == .string(id))
        }
    }

    @Test(arguments: [-1, 0, 30 * 86_400 + 1, Int(Int32.max)])
    func ttlOutOfRangeIsRefused(ttl: Int) async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.create", ["ttl_secs": .int(ttl)], code: -32602, field: "ttl_secs")
            #expect(try await server.stored().isEmpty)
        }
    }

    @Test func ttlOf30DaysIsAccepted() async throws {
        try await TestServer.run { server in
            let info = try await server.result("session.create", ["ttl_secs": 2_592_000])
            #expect(info["ttl_secs"] == 2_592_000)
        }
    }

    @Test(arguments: [
        ("ttl_secs", JSONValue.string("60"), "expected integer, found string"),
        ("ttl_secs", JSONValue.double(1.5), "expected integer, found number"),
        ("ttl_secs", JSONValue.double(1e30), "expected integer, found number"),
        ("auto_renew", JSONValue.string("yes"), "expected boolean, found string"),
        ("max_requests", JSONValue.bool(true), "expected integer, found boolean"),
        ("metadata", JSONValue.array([]), "expected object, found array"),
        ("session_id", JSONValue.int(7), "expected string, found integer"),
    ])
    func wrongTypeIsRefusedNamingFieldAndType(field: String, value: JSONValue, reason: String) async throws {
        try await TestServer.run { server in
            let error = try await server.expectRefused("session.create", [field: value], code: -32602, field: field)
            #expect(error?["data"]?["reason"] == .string(reason))
        }
    }

    @Test func negativeMaxRequestsIsRefused() async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.create", ["max_requests": -1], code: -32602, field: "max_requests")
        }
    }

    @Test func unknownFieldIsRefused() async throws {
        try await TestServer.run { server in
            let error = try await server.expectRefused("session.create", ["ttl": 60], code: -32602, field: "ttl")
            #expect(error?["data"]?["reason"] == "unknown field")
        }
    }

    @Test func metadataWithTooManyKeysIsRefused() async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.create", ["metadata": metadata(keys: 101)], code: -32602, field: "metadata")
            #expect(try await server.result("session.create", ["metadata": metadata(keys: 100)])["metadata"]?.objectValue?.count == 100)
        }
    }

    @Test func metadataOverSizeIsRefused() async throws {
        try await TestServer.run { server in
            try await server.expectRefused(
                "session.create", ["metadata": metadata(keys: 2, valueBytes: 40_000)], code: -32602, field: "metadata"
            )
        }
    }

    @Test(arguments: ["../escape", "a/b", "", String(repeating: "p", count: 65), "dot.ted"])
    func badProfileNameIsRefused(profile: String) async throws {
        try await TestServer.run { server in
            try await server.expectRefused("session.create", ["profile": .string(profile)], code: -32602, field: "profile")
        }
    }

    @Test func sessionCapAnswersBudgetExceeded() async throws {
        let sessions = SessionsConfiguration(backend: .memory, maxSessions: 2, healthCountMaxAge: .zero)
        try await TestServer.run(sessions: sessions) { server in
            _ = try await server.result("session.create")
            _ = try await server.result("session.create")
            let error = try await server.expectRefused("session.create", [:], code: -32007)
            #expect(error?["data"] == ["scope": "sessions", "limit": 2, "used": 2])
        }
    }

    /// 40 creations at once against a cap of 7: exactly 7 are admitted, on every backend.
    @Test(arguments: [SessionsConfiguration.Backend.memory, .sqlite, .postgres])
    func concurrentCreationsNeverOvershootTheSessionCap(backend: SessionsConfiguration.Backend) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sessions = SessionsConfiguration(
            backend: backend, dataDirectory: directory.path, maxSessions: 7, healthCountMaxAge: .zero
        )
        try await TestServer.run(sessions: sessions) { server in
            let codes = try await withThrowingTaskGroup(of: Int?.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await server.call("session.create")["error"]?["code"]?.intValue }
                }
                return try await group.reduce(into: [Int?]()) { $0.append($1) }
            }
            #expect(codes.filter { $0 == nil }.count == 7)
            #expect(codes.filter { $0 == -32007 }.count == 33)
            #expect(try await server.stored().count == 7)
        }
    }

    @Test func paramsMayComeByPositionOnlyWhereDocumented() async throws {
        try await TestServer.run { server in
            // session.create documents named params only.
            try await server.expectRefused("session.create", ["abc"], code: -32602, field: "")
        }
    }
}
