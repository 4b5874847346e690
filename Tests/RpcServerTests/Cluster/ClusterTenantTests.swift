import FixtureServer
import Foundation
import RenderTypes
import RpcServer
import Testing
import TestSupport

extension BrowserSuites {
    /// Tenants across nodes: a call forwarded to a session's owner is served there in the caller's
    /// tenant (it carries the tenant, authenticated by the node token), and another tenant's session
    /// of the same id is neither forwarded nor served from the first one's context.
    @Suite struct ClusterTenantTests {
        @Test func aForwardedCallIsServedInTheCallersTenantOnTheOwner() async throws {
            try await TestTenants.withTwo { two in try await forwardedInTheCallersTenant(two) }
        }

        func forwardedInTheCallersTenant(_ two: TwoTenants) async throws {
            let (acmeKey, globexKey) = (two.acme, two.globex)
            try await TestCluster.with(token: "node-secret", arguments: ["--tenants-file", two.file]) { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                let acmeA = Endpoint(baseURL: a.baseURL, token: acmeKey)
                let acmeB = Endpoint(baseURL: b.baseURL, token: acmeKey)
                let globexB = Endpoint(baseURL: b.baseURL, token: globexKey)
                _ = try await acmeA.result("session.create", ["session_id": "warm", "keep_warm": true])
                _ = try await acmeA.rendered(cluster.site.url("/storage/write.html?k=v"), ["session_id": "warm"])

                let read = try await acmeB.rendered(
                    cluster.site.url("/storage/read.html"), ["session_id": "warm", "config": WarmSessionTests.readStorage])
                #expect(read["html"]?.stringValue?.contains(#"{"k":"v"}"#) == true)
                #expect(!WarmSessionTests.restored(read), "the owner's kept context served it")
                #expect(try await b.metric(ClusterForwardingTests.forwarded) == 1)
                #expect(try await acmeB.result("session.get", ["session_id": "warm"])["request_count"] == 2)

                // globex's "warm" is its own: served where it lands, from nothing.
                _ = try await globexB.result("session.create", ["session_id": "warm", "keep_warm": true])
                let stranger = try await globexB.rendered(
                    cluster.site.url("/storage/read.html"), ["session_id": "warm", "config": WarmSessionTests.readStorage])
                #expect(stranger["html"]?.stringValue?.contains(#"{"k":"v"}"#) == false)
                #expect(try await b.metric(ClusterForwardingTests.forwarded) == 1)
                #expect(try await acmeA.result("session.get", ["session_id": "warm"])["request_count"] == 2)
                #expect(try await globexB.result("session.get", ["session_id": "warm"])["request_count"] == 1)
                #expect(try await a.result("session.list")["sessions"] == [], "the node token alone is the default tenant")
            }
        }
    }
}
