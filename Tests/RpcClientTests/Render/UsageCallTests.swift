import FixtureServer
import Foundation
import RenderTypes
import RpcClient
import RpcServer
import SessionContext
import Testing
import TestSupport

extension ClientBrowserSuites {
    /// `usage.get` through the client against a real server with tenants, real Chromium and the
    /// fixture site: the typed report of a period and of a session, per tenant.
    @Suite struct UsageCallTests {
        @Test func usageSumsTheRendersOfThePeriodAndOfTheSession() async throws {
            try await Self.withTenants { server, acme, globex, site in
                let before = try await acme.usage(period: .minute)
                #expect(before.tenant == "acme")
                #expect(before.period == .minute)
                #expect(before.usage == .zero)
                #expect(before.sessionId == nil)
                let start = try #require(before.start.flatMap(RFC3339.date(from:)))
                let resets = try #require(before.resetsAt.flatMap(RFC3339.date(from:)))
                #expect(resets.timeIntervalSince(start) == 60)

                var sum = UsageFigures.zero
                for path in ["/static.html", "/item/1"] {
                    let result = try await acme.renderDynamicWithSession(url: site.url(path), sessionID: "metered")
                    let usage = try #require(result.usage)
                    #expect(usage.renders == 1)
                    #expect(usage.bytesIn > 0)
                    sum += usage
                }
                let loose = try #require(try await acme.renderDynamic(url: site.url("/static.html")).usage)

                let day = try await acme.usage()
                #expect(day.period == .day)
                #expect(day.usage == sum + loose)
                let month = try await acme.usage(period: .month)
                #expect(month.period == .month)
                #expect(month.usage == sum + loose)
                let session = try await acme.usage(sessionID: "metered")
                #expect(session.tenant == "acme")
                #expect(session.sessionId == "metered")
                #expect(session.period == nil && session.start == nil && session.resetsAt == nil)
                #expect(session.usage == sum)

                // The typed report reads the server's answer strictly and loses nothing.
                for params: JSONValue in [["period": "minute"], ["session_id": "metered"]] {
                    let raw = try await acme.call(RpcCall<JSONValue>(method: "usage.get", params: params))
                    #expect(try JSONValue(encoding: StrictJSONDecoder().decode(UsageReport.self, from: raw)) == raw)
                }

                // The same in a batch.
                let batched = try await acme.batch { b in [b.usage(period: .day), b.usage(sessionID: "metered")] }
                #expect(try batched.map { try $0.get().usage } == [sum + loose, sum])

                // Another tenant spent nothing and does not see acme's session.
                #expect(try await globex.usage(period: .day).usage == .zero)
                #expect(try await globex.usage().tenant == "globex")
                await Self.expectSessionNotFound { try await globex.usage(sessionID: "metered") }
                await Self.expectSessionNotFound { try await acme.usage(sessionID: "never-created") }
                // Nothing asked changed what acme spent.
                #expect(try await acme.usage().usage == sum + loose)
                _ = server
            }
        }

        static func expectSessionNotFound(_ call: () async throws -> UsageReport) async {
            do {
                let report = try await call()
                Issue.record("expected -32001, got \(report)")
            } catch let error as RpcError {
                #expect(error.code == -32001, "\(error)")
            } catch {
                Issue.record("expected an RpcError, got \(error)")
            }
        }

        /// A browser-backed server with a tenants file of acme and globex, a client of each and the fixture site.
        static func withTenants(
            _ body: (TestServer, RpcClient, RpcClient, FixtureServer) async throws -> Void
        ) async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let acmeKey = TenantKey.generate(), globexKey = TenantKey.generate()
            let file = directory.path + "/tenants.json"
            let tenants: JSONValue = [
                "tenants": [
                    ["id": "acme", "keys_sha256": [.string(TenantKey.hexDigest(of: acmeKey))]],
                    ["id": "globex", "keys_sha256": [.string(TenantKey.hexDigest(of: globexKey))]],
                ]
            ]
            try tenants.jsonString().write(toFile: file, atomically: true, encoding: .utf8)
            try await RenderServer.with(http: HTTPConfiguration(port: 0, tenantsFile: file)) { c in
                try await c.server.withClient(.testing { $0.token = acmeKey }) { acme in
                    try await c.server.withClient(.testing { $0.token = globexKey }) { globex in
                        try await body(c.server, acme, globex, c.site)
                    }
                }
            }
        }
    }
}
