import FixtureServer
import Foundation
import NIOHTTP1
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// A session handed to a CDP client on one node is held on every node: another node refuses a
    /// render and a cookie change at once (the lease's holder names the controller), reads answer, and
    /// the hand-off's write-back lands when its node stops.
    @Suite struct ClusterHandoffTests {
        @Test func aSessionHandedOffOnOneNodeIsRefusedAtOnceOnTheOther() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await a.result("session.create", ["session_id": "held"])
                _ = try await a.result(
                    "cookies.set", ["session_id": "held", "cookies": [["name": "pre", "value": "1", "domain": "127.0.0.1", "path": "/"]]])
                let connection = try await a.result("session.connect", ["session_id": "held", "ttl_secs": 120])
                #expect(connection["ws_url"]?.stringValue?.hasPrefix(cluster.nodes[0].baseURL.replacingOccurrences(of: "http://", with: "ws://")) == true,
                    "a node of a cluster hands out its advertised URL: \(connection)")

                let render = try await b.call("render", ["url": .string(cluster.site.url("/static.html")), "session_id": "held"])
                #expect(render["error"]?["code"] == -32006, "\(render)")
                #expect(render["error"]?["data"]?["reason"] == "session held by a CDP client", "\(render)")
                #expect((render["error"]?["data"]?["retry_after_ms"]?.intValue ?? 0) > 60_000, "the hold's end: \(render)")
                for (method, params) in [
                    ("cookies.set", ["session_id": "held", "cookies": [["name": "b", "value": "1", "domain": "127.0.0.1", "path": "/"]]] as JSONValue),
                    ("cookies.delete", ["session_id": "held", "domain": "127.0.0.1", "name": "pre"]),
                    ("cookies.clear", ["session_id": "held"]),
                ] {
                    let answer = try await b.call(method, params)
                    #expect(answer["error"]?["data"]?["reason"] == "session held by a CDP client", "\(method): \(answer)")
                }
                let cookies = try await b.result("cookies.get", ["session_id": "held"])["cookies"]?.arrayValue ?? []
                #expect(cookies.compactMap { $0["name"]?.stringValue } == ["pre"], "reads answer, nothing changed")

                // Its node stops: the hand-off ends, writes back, and the other node may render it.
                #expect(try await cluster.nodes[0].stop(with: SIGTERM) == 0)
                let after = try await b.rendered(cluster.site.url("/static.html"), ["session_id": "held"])
                #expect(after["status_code"] == 200)
            }
        }

        /// A profile lives on the node that owns its session: `session.connect` through another node
        /// is forwarded there and hands out that node's URL, and its renders are refused meanwhile.
        @Test func aProfileSessionIsHandedOverByTheNodeItsProfileLivesOn() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await a.rendered(cluster.site.url("/static.html"), ["session_id": "profiled", "profile": "kept"])
                let connection = try await b.result("session.connect", ["session_id": "profiled", "ttl_secs": 120])
                let owner = cluster.nodes[0].baseURL.replacingOccurrences(of: "http://", with: "ws://")
                #expect(connection["ws_url"]?.stringValue?.hasPrefix(owner + "/cdp/") == true, "the profile's node: \(connection)")
                let render = try await b.call("render", ["url": .string(cluster.site.url("/static.html")), "session_id": "profiled"])
                #expect(render["error"]?["data"]?["reason"] == "session held by a CDP client", "\(render)")
                // The cluster's end stops both nodes: the unclaimed hand-off ends and writes back.
            }
        }

        /// So is its live view: opened on the profile's node whichever node was asked.
        @Test func aProfileSessionsLiveViewIsOpenedByTheNodeItsProfileLivesOn() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await a.rendered(cluster.site.url("/static.html"), ["session_id": "profiled", "profile": "kept"])
                let live = try await b.result("live.create", ["session_id": "profiled", "mode": "control", "ttl_secs": 120])
                #expect(live["url"]?.stringValue?.hasPrefix(cluster.nodes[0].baseURL + "/live/") == true, "the profile's node: \(live)")
                let render = try await b.call("render", ["url": .string(cluster.site.url("/static.html")), "session_id": "profiled"])
                #expect(render["error"]?["data"]?["reason"] == "session held by live control", "\(render)")
                #expect(try await b.result("live.revoke", ["live_id": live["live_id"] ?? nil])["ended_reason"] == "revoked")
                #expect(try await b.rendered(cluster.site.url("/static.html"), ["session_id": "profiled"])["status_code"] == 200, "released")
            }
        }

        /// A live view lives on the node that opened it; its id names that node, so `live.status`,
        /// `live.wait` and `live.revoke` on any node reach it.
        @Test func aLiveViewIsAskedAboutAndRevokedThroughAnyNode() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await a.result("session.create", ["session_id": "watched"])
                let live = try await a.result("live.create", ["session_id": "watched", "mode": "control", "ttl_secs": 120])
                let id = try #require(live["live_id"])
                #expect(live["url"]?.stringValue?.hasPrefix(cluster.nodes[0].baseURL + "/live/") == true, "the opening node's URL: \(live)")

                let status = try await b.result("live.status", ["live_id": id])
                #expect(status["live_id"] == id && status["state"] == "waiting" && status["session_id"] == "watched", "\(status)")
                let early = try await b.result("live.wait", ["live_id": id, "timeout_ms": 200])
                #expect(early["ended"] == false, "\(early)")
                let render = try await b.call("render", ["url": .string(cluster.site.url("/static.html")), "session_id": "watched"])
                #expect(render["error"]?["data"]?["reason"] == "session held by live control", "\(render)")

                let revoked = try await b.result("live.revoke", ["live_id": id])
                #expect(revoked["ended"] == true && revoked["ended_reason"] == "revoked", "\(revoked)")
                #expect(try await a.result("live.status", ["live_id": id])["state"] == "ended")
                #expect(try await b.rendered(cluster.site.url("/static.html"), ["session_id": "watched"])["status_code"] == 200, "released")

                // An id of no view, on either node, and one naming a node that is not there.
                for (node, unknown) in [
                    (b, "live_" + String(repeating: "0", count: 32) + "_" + cluster.nodes[0].nodeID.utf8.map { String(format: "%02x", $0) }.joined()),
                    (a, "live_" + String(repeating: "0", count: 32) + "_6e6f6e65"), (b, "live_" + String(repeating: "0", count: 32)),
                ] {
                    let answer = try await node.call("live.status", ["live_id": .string(unknown)])
                    #expect(answer["error"]?["code"] == -32602 && answer["error"]?["data"]?["field"] == "live_id", "\(unknown): \(answer)")
                }
            }
        }
    }
}
