import FixtureServer
import Foundation
import NIOHTTP1
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// A session whose warm context lives on one node, called through another: the call is
    /// forwarded to the owner (one hop, same auth), whose kept context serves it.
    @Suite struct ClusterForwardingTests {
        static let forwarded = #"tidepool_cluster_forwarded_total{method="render",outcome="answered"}"#
        static let received = #"tidepool_cluster_forwarded_in_total{method="render"}"#

        @Test func aKeepWarmSessionsCallsThroughTheOtherNodeAreForwardedAndKeepTheWarmContext() async throws {
            try await TestCluster.with(token: "cluster-secret") { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await b.result("session.create", ["session_id": "warm", "keep_warm": true])
                // The first render makes its node the session's owner, holding its context.
                _ = try await a.rendered(cluster.site.url("/storage/write.html?k=v"), ["session_id": "warm"])
                #expect(try await a.result("pool.stats")["contexts_held"] == 1)

                for _ in 0..<2 {
                    let read = try await b.rendered(
                        cluster.site.url("/storage/read.html"),
                        ["session_id": "warm", "config": WarmSessionTests.readStorage])
                    #expect(read["html"]?.stringValue?.contains(#"{"k":"v"}"#) == true)
                    #expect(!WarmSessionTests.restored(read), "the owner's kept context served it: no state restore")
                    #expect(read["warnings"]?.arrayValue?.isEmpty == true)
                }
                #expect(try await b.result("pool.stats")["contexts_held"] == 0, "no context on the node that forwarded")
                #expect(try await a.result("pool.stats")["contexts_held"] == 1)
                #expect(try await b.metric(Self.forwarded) == 2)
                #expect(try await a.metric(Self.received) == 2)
                #expect(try await b.result("session.get", ["session_id": "warm"])["request_count"] == 3)

                // Deleting it through the other node ends it on its owner, which gives the context back.
                #expect(try await b.result("session.delete", ["session_id": "warm"])["deleted"] == true)
                #expect(try await a.result("pool.stats")["contexts_held"] == 0)
            }
        }

        @Test func aForwardedCallIsServedWhereItLandsNeverForwardedAgain() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await a.result("session.create", ["session_id": "hop", "keep_warm": true])
                _ = try await a.rendered(cluster.site.url("/static.html"), ["session_id": "hop"])
                // A call that says another node forwarded it: served here, though node-0 owns the session.
                let call: JSONValue = [
                    "jsonrpc": "2.0", "id": 1, "method": "render",
                    "params": ["url": .string(cluster.site.url("/static.html")), "session_id": "hop"],
                ]
                let answer = try await b.rpc(
                    call.jsonString(), headers: [("Content-Type", "application/json"), ("Tidepool-Forwarded-By", "node-0")])
                let warnings = try answer.json["result"]?["warnings"]?.arrayValue ?? []
                #expect(warnings.contains { $0.stringValue?.contains("node node-0 forwarded the call here") == true })
                #expect(try await b.metric(Self.forwarded) == 0)
                #expect(try await b.result("pool.stats")["contexts_held"] == 1, "the node that served it keeps the context now")
            }
        }

        @Test func callsFollowANodeThatCameBackAtAnotherURL() async throws {
            try await TestCluster.with { cluster in
                let b = cluster.node(1)
                _ = try await cluster.node(0).result("session.create", ["session_id": "moved", "keep_warm": true])
                _ = try await cluster.node(0).rendered(cluster.site.url("/static.html"), ["session_id": "moved"])
                _ = try await b.rendered(cluster.site.url("/static.html"), ["session_id": "moved"])
                #expect(try await b.metric(Self.forwarded) == 1)
                // node-0 stops and comes back under its id on another port; node-1 learns the new URL
                // from the nodes table (until its own next reading it may still try the old one).
                try await cluster.nodes[0].stop(with: SIGKILL)
                let again = try TestCluster.startNode(
                    "node-0", databaseURL: cluster.databaseURL, directory: cluster.directory, browsers: true, arguments: [])
                do {
                    try await again.waitUntilListening()
                    try await eventually("node-1 lists node-0 at its new URL") {
                        let nodes = try await b.result("cluster.nodes")["nodes"]?.arrayValue ?? []
                        return nodes.contains {
                            $0["node_id"] == "node-0" && $0["advertise_url"] == .string(again.baseURL) && $0["alive"] == true
                        }
                    }
                    let read = try await b.rendered(cluster.site.url("/static.html"), ["session_id": "moved"])
                    #expect(read["warnings"]?.arrayValue?.isEmpty == true, "served by node-0, not taken over: \(read)")
                    #expect(try await b.metric(Self.forwarded) == 2)
                    #expect(try await b.result("pool.stats")["contexts_held"] == 0)
                    try await again.stop(with: SIGTERM)
                } catch {
                    _ = try? await again.stop(with: SIGKILL)
                    throw error
                }
            }
        }
    }
}
