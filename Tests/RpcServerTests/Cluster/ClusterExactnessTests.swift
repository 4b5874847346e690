import FixtureServer
import Foundation
import NIOHTTP1
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// Two `tidepool serve` nodes (one browser each) sharing one PostgreSQL, some behind nginx:
    /// what is exact on one node stays exact across them — a login carries over, request counts and
    /// `max_requests` hold, and renders of one session take turns cluster-wide, so no cookie is lost.
    @Suite struct ClusterExactnessTests {
        @Test func aLoginThroughOneNodeServesTheDashboardThroughTheOther() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                let login = try await a.rendered(
                    cluster.site.url("/login.html"), ["session_id": "shop", "config": ["actions": loginActions(user: "ada")]])
                #expect(login["final_url"] == .string(cluster.site.url("/dashboard")))
                let dashboard = try await b.rendered(cluster.site.url("/dashboard"), ["session_id": "shop"])
                #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">ada</span>"#) == true)
                #expect(dashboard["warnings"]?.arrayValue?.isEmpty == true, "nothing was taken over: \(dashboard["warnings"]?.jsonString() ?? "")")
                #expect(try await b.result("session.get", ["session_id": "shop"])["request_count"] == 2)
            }
        }

        @Test func twentyConcurrentRendersOfOneSessionThroughTheBalancerCountTwentyAndKeepEveryCookie() async throws {
            try await TestCluster.with { cluster in
                let balancer = try await NginxProcess(balancing: cluster.nodes.map { String($0.baseURL.dropFirst("http://".count)) })
                do {
                    let front = Endpoint(baseURL: balancer.baseURL)
                    _ = try await front.result("session.create", ["session_id": "burst"])
                    let page = cluster.site.url("/static.html")
                    let outcomes = try await withThrowingTaskGroup(of: JSONValue.self) { group in
                        for index in 0..<20 {
                            group.addTask {
                                try await front.render(page, [
                                    "session_id": "burst",
                                    "config": ["actions": [settingCookie("c\(index)")], "timeout_ms": 90_000],
                                ])
                            }
                        }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                    let failures = outcomes.filter { $0["result"] == nil }
                    #expect(failures.isEmpty, "\(failures.map { $0.jsonString() })")
                    let session = try await front.result("session.get", ["session_id": "burst"])
                    #expect(session["request_count"] == 20)
                    #expect(session["cookie_count"] == 20, "every render's cookie was written back on top of the previous one's")
                    // Both nodes rendered some of them: the balancer spread the calls.
                    for node in [cluster.node(0), cluster.node(1)] {
                        #expect(try await node.metric(#"tidepool_rpc_requests_total{method="render",code="0"}"#) > 0)
                    }
                    await balancer.stop()
                } catch {
                    await balancer.stop()
                    throw error
                }
            }
        }

        @Test func withMaxRequestsFiveExactlyFiveOfTwentyConcurrentRendersAcrossTheNodesRender() async throws {
            try await TestCluster.with { cluster in
                _ = try await cluster.node(0).result("session.create", ["session_id": "limited", "max_requests": 5])
                let page = cluster.site.url("/static.html")
                let nodes = [cluster.node(0), cluster.node(1)]
                let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<20 {
                        let node = nodes[index % 2]
                        group.addTask {
                            let response = try await node.render(page, ["session_id": "limited", "config": ["timeout_ms": 90_000]])
                            return response["result"] != nil ? 0 : response["error"]?["code"]?.intValue ?? 1
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(codes.filter { $0 == 0 }.count == 5)
                #expect(codes.filter { $0 == -32003 }.count == 15, "\(codes)")
                #expect(try await nodes[1].result("session.get", ["session_id": "limited"])["request_count"] == 5)
            }
        }

        @Test func aCookieWrittenThroughOneNodeDuringARenderOnTheOtherIsKept() async throws {
            try await TestCluster.with { cluster in
                let (a, b) = (cluster.node(0), cluster.node(1))
                _ = try await a.result("session.create", ["session_id": "jar"])
                let page = cluster.site.url("/slow?ms=2500")
                let slow = Task {
                    try await a.rendered(
                        page, ["session_id": "jar", "config": ["actions": [settingCookie("rendered")], "timeout_ms": 60_000]])
                }
                try await eventually("the render fetches its page") { cluster.site.counter.count(path: "/slow") == 1 }
                let meanwhile: JSONValue = ["name": "meanwhile", "value": "1", "domain": "127.0.0.1", "path": "/"]
                _ = try await b.result("cookies.set", ["session_id": "jar", "cookies": [meanwhile]])
                _ = try await slow.value
                let stored = try await b.result("cookies.get", ["session_id": "jar"])["cookies"]?.arrayValue ?? []
                #expect(Set(stored.compactMap { $0["name"]?.stringValue }) == ["meanwhile", "rendered"])
            }
        }
    }
}
