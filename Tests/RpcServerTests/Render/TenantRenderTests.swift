import FixtureServer
import Foundation
import Logging
@testable import Rendering
import RenderTypes
import RpcServer
import Testing
import TestSupport

extension BrowserSuites {
    /// `render` with tenants, in real Chromium: another tenant's `session_id` is a session of its own.
    @Suite struct TenantRenderTests {
        @Test func anotherTenantsRenderWithTheSameSessionIdStartsFromNothingAndLeavesTheFirstAlone() async throws {
            try await TestTenants.withTwo { two in try await sameSessionIdOfAnotherTenant(two) }
        }

        @Test func aRecycledContextNeverPassesToAnotherTenant() async throws {
            try await TestTenants.withTwo { two in
                try await RenderServer.with(http: HTTPConfiguration(port: 0, tenantsFile: two.file)) { c in
                    let acme = KeyedCaller(c.server, key: two.acme)
                    let globex = KeyedCaller(c.server, key: two.globex)
                    let page: JSONValue = ["url": .string(c.url("/static.html"))]
                    #expect(try await acme.result("render", page)["context"] == "fresh")
                    try await eventually("acme's context parked") { c.renders.recycledCount == 1 }
                    // Same origin, same settings, another tenant: a context of its own.
                    #expect(try await globex.result("render", page)["context"] == "fresh")
                    #expect(try await acme.result("render", page)["context"] == "recycled")
                    #expect(try await globex.result("render", page)["context"] == "recycled")
                }
            }
        }

        func sameSessionIdOfAnotherTenant(_ two: TwoTenants) async throws {
            let (acmeKey, globexKey) = (two.acme, two.globex)
            let records = LogRecords()
            var logger = Logger(label: "tidepool.test") { _ in RecordingLogHandler(records: records) }
            logger.logLevel = .info
            try await RenderServer.with(
                http: HTTPConfiguration(port: 0, tenantsFile: two.file), logger: logger
            ) { c in
                let acme = KeyedCaller(c.server, key: acmeKey)
                let globex = KeyedCaller(c.server, key: globexKey)
                func render(_ caller: KeyedCaller, _ path: String, _ params: JSONValue) async throws -> JSONValue {
                    guard case .object(var fields) = params else { return params }
                    fields["url"] = .string(c.url(path))
                    return try await caller.result("render", .object(fields))
                }
                // Both keep their context warm between calls: a warm context keyed by the id alone
                // would hand globex acme's logged-in browser context.
                _ = try await acme.result("session.create", ["session_id": "shop", "keep_warm": true])
                _ = try await globex.result("session.create", ["session_id": "shop", "keep_warm": true])
                let login = try await render(acme, "/login.html", ["session_id": "shop", "config": ["actions": loginActions(user: "ada")]])
                #expect(login["final_url"] == .string(c.url("/dashboard")))
                let acmeBefore = try await acme.result("session.get", ["session_id": "shop"])
                let acmeJar = try await acme.result("cookies.get", ["session_id": "shop"])
                #expect(acmeJar["cookies"]?.arrayValue?.contains { $0["name"] == .string(FixtureAccounts.cookieName) } == true)

                let stranger = try await render(globex, "/dashboard", ["session_id": "shop"])
                #expect(stranger["status_code"] == 401)
                #expect(stranger["html"]?.stringValue?.contains("Not logged in") == true)
                #expect(stranger["session_id"] == "shop")
                #expect(try await globex.result("cookies.get", ["session_id": "shop"])["cookies"] == [])
                #expect(try await globex.result("session.get", ["session_id": "shop"])["request_count"] == 1)

                // acme's session: not counted, not changed, still logged in.
                let acmeAfter = try await acme.result("session.get", ["session_id": "shop"])
                #expect(acmeAfter["request_count"] == acmeBefore["request_count"])
                #expect(acmeAfter["last_url"] == acmeBefore["last_url"])
                #expect(try await acme.result("cookies.get", ["session_id": "shop"]) == acmeJar)
                let dashboard = try await render(acme, "/dashboard", ["session_id": "shop"])
                #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">ada</span>"#) == true)
                // Each render's log line names its tenant.
                let lines = records.all.filter { $0.message == "render" }
                #expect(lines.map { $0.metadata["tenant"] } == ["acme", "globex", "acme"])
            }
        }
            @Test func aTenantsProfileIsItsOwnDirectoryAndBrowser() async throws {
            try await TestTenants.withTwo { two in try await profilesOfTwoTenants(two) }
        }

        func profilesOfTwoTenants(_ two: TwoTenants) async throws {
            try await RenderServer.with(http: HTTPConfiguration(port: 0, tenantsFile: two.file)) { c in
                let acme = KeyedCaller(c.server, key: two.acme)
                let globex = KeyedCaller(c.server, key: two.globex)
                let profiles = c.tmp + "/data/profiles"
                for caller in [acme, globex] {
                    _ = try await caller.result(
                        "render",
                        ["url": .string(c.url("/static.html")), "session_id": "mine", "profile": "p",
                         "config": ProfileTests.evaluate(ProfileTests.writeIndexedDB)])
                }
                #expect(FileManager.default.fileExists(atPath: profiles + "/@acme/p"))
                #expect(FileManager.default.fileExists(atPath: profiles + "/@globex/p"))
                #expect(!FileManager.default.fileExists(atPath: profiles + "/p"))
                let seen = try await acme.result("pool.stats")["profile_browsers"]?.arrayValue ?? []
                #expect(seen.map { $0["profile"] } == ["p"])
                #expect(await c.renders.profiles.figures().count == 2, "two browsers, one per tenant's profile")

                #expect(try await acme.result("session.delete", ["session_id": "mine"]) == ["deleted": true])
                #expect(!FileManager.default.fileExists(atPath: profiles + "/@acme/p"))
                #expect(FileManager.default.fileExists(atPath: profiles + "/@globex/p"))
                let left = try await globex.result(
                    "render",
                    ["url": .string(c.url("/static.html")), "session_id": "mine",
                     "config": ProfileTests.evaluate(ProfileTests.readIndexedDB)])
                #expect(ProfileTests.firstResult(left) == "pearl", "globex's profile kept its IndexedDB")
            }
        }
    }
}
