import Foundation
import NIOHTTP1
import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// Keys pick tenants: a missing or unknown key is 401 with a JSON body saying what to send and
/// changes nothing; the node token names a tenant only through `Tidepool-Tenant`; reloading the file
/// adds and revokes keys, and a bad file on reload keeps the tenants read before.
@Suite struct TenantAuthTests {
    static let create: JSONValue = ["session_id": "probe"]

    static func withServer(
        token: String? = nil, _ body: (_ server: TestServer, _ file: String, _ acme: String, _ globex: String) async throws -> Void
    ) async throws {
        try await TestTenants.withTwo { two in
            try await TestServer.run(http: HTTPConfiguration(port: 0, bearerToken: token, tenantsFile: two.file)) { server in
                try await body(server, two.file, two.acme, two.globex)
            }
        }
    }

    @Test(arguments: [nil, "Bearer nope", "Basic YWNtZTprZXk=", "Bearer "])
    func aMissingOrUnknownKeyIs401AndChangesNothing(authorization: String?) async throws {
        try await Self.withServer { server, _, acme, _ in
            var headers = [("Content-Type", "application/json")]
            if let authorization { headers.append(("Authorization", authorization)) }
            let answer = try await server.rpc(
                #"{"jsonrpc":"2.0","method":"session.create","params":{"session_id":"probe"},"id":1}"#, headers: headers)
            #expect(answer.status == 401)
            #expect(answer.headers["WWW-Authenticate"].first?.hasPrefix("Bearer") == true)
            let message = try answer.json["error"]?["message"]?.stringValue ?? ""
            #expect(message.contains("Authorization: Bearer"))
            #expect(message.contains("tidepool tenant new-key"))
            #expect(try await server.store.sessionCount() == 0)
            #expect(try await KeyedCaller(server, key: acme).result("session.list")["sessions"] == [])
            let metrics = try await server.request(.GET, "/metrics", headers: headers)
            #expect(metrics.status == 401)
        }
    }

    @Test func aTenantsKeyMakesItsCallsThatTenants() async throws {
        try await Self.withServer { server, _, acme, _ in
            _ = try await KeyedCaller(server, key: acme).result("session.create", Self.create)
            #expect(try await server.store.backend.load(SessionID(validating: "probe", tenant: TenantID("acme")!)) != nil)
            #expect(try await server.store.backend.load("probe") == nil)
            #expect(try await server.request(.GET, "/metrics", headers: [("Authorization", "Bearer \(acme)")]).status == 200)
        }
    }

    @Test func aTenantsKeyCannotNameAnotherTenantInTheHeader() async throws {
        try await Self.withServer(token: "node-token") { server, _, acme, globex in
            _ = try await KeyedCaller(server, key: globex).result("session.create", Self.create)
            let sneaky = KeyedCaller(server, key: acme, extraHeaders: [("Tidepool-Tenant", "globex")])
            #expect(try await sneaky.error("session.get", Self.create)["code"] == -32001)
            #expect(try await sneaky.result("session.list")["sessions"] == [])
        }
    }

    @Test func theNodeTokenActsForTheTenantItNames() async throws {
        try await Self.withServer(token: "node-token") { server, _, acme, _ in
            _ = try await KeyedCaller(server, key: acme).result("session.create", Self.create)
            let forwarded = KeyedCaller(server, key: "node-token", extraHeaders: [("Tidepool-Tenant", "acme")])
            #expect(try await forwarded.result("session.get", Self.create)["session_id"] == "probe")
            // Without the header the node token is the default tenant's, as before tenants.
            #expect(try await KeyedCaller(server, key: "node-token").error("session.get", Self.create)["code"] == -32001)
            let bad = KeyedCaller(server, key: "node-token", extraHeaders: [("Tidepool-Tenant", "../etc")])
            #expect(try await bad.rpc(#"{"jsonrpc":"2.0","method":"session.list","id":1}"#).status == 400)
        }
    }

    @Test func withATokenOnlyEveryCallIsTheDefaultTenantsAsBefore() async throws {
        try await TestServer.run(http: HTTPConfiguration(port: 0, bearerToken: "only-token")) { server in
            let caller = KeyedCaller(server, key: "only-token", extraHeaders: [("Tidepool-Tenant", "acme")])
            _ = try await caller.result("session.create", Self.create)
            #expect(try await server.store.backend.load("probe") != nil)
            #expect(try await KeyedCaller(server, key: "wrong").rpc(#"{"jsonrpc":"2.0","method":"health","id":1}"#).status == 401)
        }
    }

    @Test func reloadingAddsAKeyAndRevokesAnother() async throws {
        try await Self.withServer { server, file, acme, globex in
            let tenants = try #require(server.server.tenants)
            _ = try await KeyedCaller(server, key: acme).result("session.create", Self.create)
            let newKey = TenantKey.generate()
            try TestTenants(keys: [("acme", [newKey]), ("globex", [globex])]).write(to: file)
            #expect(tenants.reload(logger: testLogger()))
            #expect(try await KeyedCaller(server, key: acme).rpc(#"{"jsonrpc":"2.0","method":"session.list","id":1}"#).status == 401)
            let listed = try await KeyedCaller(server, key: newKey).result("session.list")["sessions"]?.arrayValue ?? []
            #expect(listed.map { $0["session_id"] } == ["probe"])
        }
    }

    @Test func aBadFileOnReloadKeepsTheTenantsReadBefore() async throws {
        try await Self.withServer { server, file, acme, _ in
            let tenants = try #require(server.server.tenants)
            try #"{"tenants":[{"id":"acme","keys_sha256":["abc"]}]}"#.write(toFile: file, atomically: true, encoding: .utf8)
            #expect(!tenants.reload(logger: testLogger()))
            #expect(try await KeyedCaller(server, key: acme).result("session.list")["sessions"] == [])
        }
    }
}

/// The tenants file's checks: each refusal names the file, the tenant and the field.
@Suite struct TenantsFileTests {
    static let hash = TenantKey.hexDigest(of: "k")

    func refusal(_ text: String) throws -> TenantsFileError {
        do {
            _ = try TenantsFile.parse(Array(text.utf8), path: "/etc/tidepool/tenants.json")
        } catch {
            return error
        }
        throw UnexpectedResult(method: "parse", response: .string(text))
    }

    @Test func aGoodFileIsRead() throws {
        let text = #"{"tenants":[{"id":"acme","keys_sha256":["\#(Self.hash)"],"limits":{"renders_per_minute":60},"presets":{"shop":{}}},{"id":"b","keys_sha256":[]}]}"#
        let file = try TenantsFile.parse(Array(text.utf8), path: "t.json")
        #expect(file.tenants.map(\.id.rawValue) == ["acme", "b"])
        #expect(file.tenants[0].keyHashes == [TenantKey.digest(of: Array("k".utf8))])
        #expect(file.tenants[0].limits == TenantLimits(rendersPerMinute: 60))
        #expect(file.tenants[1].limits == .none)
        #expect(file.tenants[0].presets == ["shop": RenderPreset()])
    }

    @Test func aBadHashNamesTheFileTheTenantAndTheField() throws {
        let error = try refusal(#"{"tenants":[{"id":"acme","keys_sha256":["\#(Self.hash)","xyz"]}]}"#)
        #expect(error.description.hasPrefix(#"tenants file /etc/tidepool/tenants.json: tenant "acme": keys_sha256[1]: must be 64 hex digits"#))
    }

    @Test(arguments: [
        (#"{"tenants":[{"id":"a b","keys_sha256":[]}]}"#, nil, "tenants[0].id"),
        (#"{"tenants":[{"id":"acme","keys_sha256":[],"limits":[]}]}"#, "acme", "limits"),
        (#"{"tenants":[{"id":"acme","keys_sha256":[],"presets":"x"}]}"#, "acme", "presets"),
        (#"{"tenants":[{"id":"acme","keys_sha256":[],"limits":{"renders_per_hour":5}}]}"#, "acme", "limits.renders_per_hour"),
        (#"{"tenants":[{"id":"acme","keys_sha256":[],"limits":{"max_sessions":-1}}]}"#, "acme", "limits.max_sessions"),
        (#"{"tenants":[{"id":"acme","keys_sha256":[],"limits":{"bytes_per_day":"1e9"}}]}"#, "acme", "limits.bytes_per_day"),
        (#"{"tenants":[{"id":"acme","keys_sha256":[],"limits":{"concurrent_renders":1.5}}]}"#, "acme", "limits.concurrent_renders"),
        (#"{"tenants":[{"id":"acme","keys":[]}]}"#, "acme", "keys"),
        (#"{"tenants":[{"id":"acme"}]}"#, "acme", "keys_sha256"),
        (#"{"tenants":[{"id":"acme","keys_sha256":[]},{"id":"acme","keys_sha256":[]}]}"#, "acme", "id"),
        (#"{"tenant":[]}"#, nil, "tenant"),
        (#"{"tenants":{}}"#, nil, "tenants"),
        (#"{"tenants":[] "#, nil, nil),
    ] as [(String, String?, String?)])
    func aBadFileIsRefusedNamingWhatIsWrong(text: String, tenant: String?, field: String?) throws {
        let error = try refusal(text)
        #expect(error.path == "/etc/tidepool/tenants.json")
        #expect(error.tenant == tenant)
        #expect(error.field == field)
    }

    @Test func aKeyOfTwoTenantsIsRefused() throws {
        let error = try refusal(#"{"tenants":[{"id":"a","keys_sha256":["\#(Self.hash)"]},{"id":"b","keys_sha256":["\#(Self.hash.uppercased())"]}]}"#)
        #expect(error.tenant == "b")
        #expect(error.reason == "is also a key of tenant a")
    }

    @Test func newKeysAreRandomAndHashLikeTheFileSays() {
        let keys = (0..<50).map { _ in TenantKey.generate() }
        #expect(Set(keys).count == 50)
        #expect(keys.allSatisfy { $0.utf8.count == 64 && $0.allSatisfy(\.isHexDigit) })
        // SHA-256 of "abc" (FIPS 180-2's example).
        #expect(TenantKey.hexDigest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
