import Foundation
import RenderTypes
import Rendering
import RpcServer
import SessionContext
import Testing
import TestSupport

/// Two tenants on one server, through HTTP: each sees only its own sessions, in every method, also
/// when both use the same `session_id`; another tenant's session is answered exactly as one that
/// does not exist. On every backend.
@Suite struct TenantIsolationTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case memory, sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// Runs `body` with a server over `backend` reading a tenants file of acme and globex, and a
    /// caller of each.
    static func withTenants(
        _ backend: Backend, _ body: (_ acme: KeyedCaller, _ globex: KeyedCaller, _ server: TestServer, _ data: String) async throws -> Void
    ) async throws {
        try await TestTenants.withTwo { two in
            let data = two.directory + "/data"
            let sessions: SessionsConfiguration = switch backend {
            case .memory: SessionsConfiguration(backend: .memory, dataDirectory: data, healthCountMaxAge: .zero)
            case .sqlite: SessionsConfiguration(backend: .sqlite, dataDirectory: data, healthCountMaxAge: .zero)
            case .postgres: SessionsConfiguration(backend: .postgres, dataDirectory: data, healthCountMaxAge: .zero)
            }
            try await TestServer.run(http: HTTPConfiguration(port: 0, tenantsFile: two.file), sessions: sessions) { server in
                try await body(KeyedCaller(server, key: two.acme), KeyedCaller(server, key: two.globex), server, data)
            }
        }
    }

    /// Every call a tenant can make on session `id` (or on its sessions as a whole).
    static func everyCall(on id: String) -> [(String, JSONValue)] {
        let session: JSONValue = .string(id)
        return [
            ("session.get", ["session_id": session]),
            ("session.extend", ["session_id": session, "ttl_secs": 60]),
            ("session.set_metadata", ["session_id": session, "metadata": ["stolen": true]]),
            ("cookies.get", ["session_id": session]),
            ("cookies.set", ["session_id": session, "cookies": [["name": "x", "value": "1", "domain": "shop.test"]]]),
            ("cookies.delete", ["session_id": session, "domain": "shop.test", "name": "sid"]),
            ("cookies.clear", ["session_id": session]),
            ("session.list", [:]),
            ("session.stats", [:]),
            ("session.cleanup", [:]),
            ("session.delete", ["session_id": session]),
        ]
    }

    @Test(arguments: Backend.allCases)
    func anotherTenantsSessionIsAnsweredAsIfItDidNotExist(backend: Backend) async throws {
        try await Self.withTenants(backend) { acme, globex, _, _ in
            // What globex gets while no session "shop" exists anywhere ...
            var before: [JSONValue] = []
            for (method, params) in Self.everyCall(on: "shop") { before.append(try await globex.call(method, params)) }
            #expect(before[0]["error"]?["code"] == -32001)
            // ... is exactly what it gets once acme has one, with cookies, metadata and requests.
            _ = try await acme.result("session.create", ["session_id": "shop", "metadata": ["owner": "acme"], "ttl_secs": 3600])
            _ = try await acme.result(
                "cookies.set", ["session_id": "shop", "cookies": [["name": "sid", "value": "acme-only", "domain": "shop.test"]]])
            let acmeBefore = try await acme.result("cookies.get", ["session_id": "shop"])
            var after: [JSONValue] = []
            for (method, params) in Self.everyCall(on: "shop") { after.append(try await globex.call(method, params)) }
            for (index, (method, _)) in Self.everyCall(on: "shop").enumerated() {
                #expect(after[index] == before[index], "\(method): \(after[index].jsonString()) vs \(before[index].jsonString())")
            }
            // And acme's session is untouched.
            let info = try await acme.result("session.get", ["session_id": "shop"])
            #expect(info["metadata"] == ["owner": "acme"])
            #expect(info["ttl_secs"] == 3600)
            #expect(try await acme.result("cookies.get", ["session_id": "shop"]) == acmeBefore)
            #expect(try await acme.result("session.list")["sessions"]?.arrayValue?.count == 1)
            #expect(try await acme.result("session.stats")["active_sessions"] == 1)
        }
    }

    @Test(arguments: Backend.allCases)
    func twoTenantsUseOneSessionIdWithoutMeeting(backend: Backend) async throws {
        try await Self.withTenants(backend) { acme, globex, server, _ in
            for (caller, name) in [(acme, "acme"), (globex, "globex")] {
                let created = try await caller.result("session.create", ["session_id": "shared", "metadata": ["who": .string(name)]])
                #expect(created["session_id"] == "shared")
                _ = try await caller.result(
                    "cookies.set", ["session_id": "shared", "cookies": [["name": "sid", "value": .string(name), "domain": "a.test"]]])
            }
            for (caller, name) in [(acme, "acme"), (globex, "globex")] {
                #expect(try await caller.result("session.get", ["session_id": "shared"])["metadata"] == ["who": .string(name)])
                let jar = try await caller.result("cookies.get", ["session_id": "shared"])["cookies"]
                #expect(jar?.arrayValue?.map { $0["value"] } == [.string(name)])
                let listed = try await caller.result("session.list")["sessions"]?.arrayValue ?? []
                #expect(listed.map { $0["metadata"] } == [["who": .string(name)]])
                #expect(try await caller.result("session.stats")["active_sessions"] == 1)
            }
            // Each method changes the caller's own session and nothing of the other's.
            #expect(try await acme.result("session.extend", ["session_id": "shared", "ttl_secs": 120])["ttl_secs"] == 120)
            _ = try await acme.result("session.set_metadata", ["session_id": "shared", "metadata": ["plan": "pro"]])
            #expect(try await acme.result("cookies.delete", ["session_id": "shared", "domain": "a.test", "name": "sid"]) == ["deleted": true])
            _ = try await acme.result("cookies.set", ["session_id": "shared", "cookies": [["name": "n", "value": "v", "domain": "a.test"]]])
            #expect(try await acme.result("cookies.clear", ["session_id": "shared"]) == ["removed": 1])
            let untouched = try await globex.result("session.get", ["session_id": "shared"])
            #expect(untouched["metadata"] == ["who": "globex"])
            #expect(untouched["ttl_secs"] != 120)
            #expect(untouched["cookie_count"] == 1)
            // The same id again is taken for acme only within acme.
            #expect(try await acme.error("session.create", ["session_id": "shared"])["code"] == -32602)
            #expect(try await globex.result("session.delete", ["session_id": "shared"]) == ["deleted": true])
            #expect(try await acme.result("session.get", ["session_id": "shared"])["metadata"] == ["who": "acme", "plan": "pro"])
            #expect(try await server.store.sessionCount() == 1)
        }
    }

    @Test func listPagesAndCountsOnlyTheCallersSessions() async throws {
        try await Self.withTenants(.sqlite) { acme, globex, _, _ in
            for index in 0..<5 { _ = try await acme.result("session.create", ["session_id": .string("a-\(index)")]) }
            for index in 0..<3 { _ = try await globex.result("session.create", ["session_id": .string("g-\(index)")]) }
            var seen: [JSONValue] = []
            var cursor: JSONValue?
            repeat {
                var params: JSONValue = ["limit": 2]
                if let cursor, case .object(var fields) = params { fields["cursor"] = cursor; params = .object(fields) }
                let page = try await acme.result("session.list", params)
                seen += page["sessions"]?.arrayValue?.compactMap { $0["session_id"] } ?? []
                cursor = page["next_cursor"]
            } while cursor != nil
            #expect(seen == (0..<5).map { .string("a-\($0)") })
            #expect(try await globex.result("session.stats")["active_sessions"] == 3)
            #expect(try await acme.result("session.stats")["active_sessions"] == 5)
        }
    }

    @Test func cleanupRemovesOnlyTheCallersExpiredSessions() async throws {
        try await Self.withTenants(.sqlite) { acme, globex, _, _ in
            _ = try await acme.result("session.create", ["session_id": "brief", "ttl_secs": 1, "auto_renew": false])
            _ = try await globex.result("session.create", ["session_id": "brief", "ttl_secs": 1, "auto_renew": false])
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await globex.result("session.cleanup") == ["removed": 1])
            #expect(try await acme.error("session.get", ["session_id": "brief"])["code"] == -32002)
            #expect(try await globex.result("session.stats")["expired_cleaned"] == 1)
            #expect(try await acme.result("session.stats")["expired_cleaned"] == 0)
            #expect(try await acme.result("session.cleanup") == ["removed": 1])
        }
    }

    @Test func aTenantsProfileDirectoryLivesUnderTheTenantAndGoesWithItsSession() async throws {
        try await Self.withTenants(.sqlite) { acme, _, server, data in
            _ = server
            let profiles = data + "/profiles"
            try FileManager.default.createDirectory(atPath: profiles + "/@acme/p1", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: profiles + "/p1", withIntermediateDirectories: true)
            _ = try await acme.result("session.create", ["session_id": "with-profile", "profile": "p1"])
            #expect(try await acme.result("session.delete", ["session_id": "with-profile"]) == ["deleted": true])
            #expect(!FileManager.default.fileExists(atPath: profiles + "/@acme/p1"))
            // The default tenant's profile of the same name is another directory, left alone.
            #expect(FileManager.default.fileExists(atPath: profiles + "/p1"))
        }
    }
}
