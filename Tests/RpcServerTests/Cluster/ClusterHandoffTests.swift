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
    }
}
