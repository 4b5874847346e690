import FixtureServer
import Foundation
import RenderTypes
import RpcServer
import Testing
import TestSupport

extension BrowserSuites {
    /// Usage and budgets across nodes: each node writes what it served every second and reads the
    /// cluster's totals back, so `usage.get` on any node answers the cluster's renders and a budget
    /// used up on one node refuses on the other.
    @Suite struct ClusterUsageTests {
        /// The count limits are exact across nodes, as on one: every node's admissions meet in one
        /// atomic step in the database, not a flush late.
        @Test func concurrentRendersOnTwoNodesNeverOvershootTheDailyRenderLimit() async throws {
            try await TestTenants.withAcme(limits: ["renders_per_day": 5, "renders_per_minute": 100]) { key, file in
                try await TestCluster.with(token: "node-secret", arguments: ["--tenants-file", file]) { cluster in
                    let nodes = cluster.nodes.map { Endpoint(baseURL: $0.baseURL, token: key) }
                    let page = cluster.site.url("/static.html")
                    // 20 at once, half through each node: each node's own count would let 5 through.
                    let answers = try await withThrowingTaskGroup(of: JSONValue.self) { group in
                        for index in 0..<20 {
                            let node = nodes[index % 2]
                            group.addTask { try await node.render(page) }
                        }
                        return try await group.reduce(into: [JSONValue]()) { $0.append($1) }
                    }
                    let rendered = answers.filter { $0["result"]?["status_code"] == 200 }
                    #expect(rendered.count == 5, "\(answers.filter { $0["result"] == nil }.prefix(2))")
                    let refused = answers.filter { $0["error"]?["code"] == -32007 }
                    #expect(refused.count == 15, "\(answers.filter { $0["error"]?["code"] != -32007 }.prefix(2))")
                    #expect(refused.allSatisfy { $0["error"]?["data"]?["scope"] == "renders_per_day" && $0["error"]?["data"]?["used"] == 5 })
                    try await eventually("both nodes see the cluster's five renders", timeout: .seconds(15)) {
                        for node in nodes where try await node.result("usage.get", ["period": "day"])["usage"]?["renders"] != 5 { return false }
                        return true
                    }
                }
            }
        }

        @Test func aBudgetUsedAcrossTwoNodesRefusesOnEitherAndUsageGetAnswersTheClustersTotals() async throws {
            try await TestTenants.withAcme(limits: ["renders_per_day": 3]) { key, file in
                try await TestCluster.with(token: "node-secret", arguments: ["--tenants-file", file]) { cluster in
                    let (a, b) = (Endpoint(baseURL: cluster.nodes[0].baseURL, token: key), Endpoint(baseURL: cluster.nodes[1].baseURL, token: key))
                    let page = cluster.site.url("/static.html")
                    for _ in 0..<2 { _ = try await a.rendered(page) }
                    try await eventually("node-1 sees node-0's two renders", timeout: .seconds(15)) {
                        try await b.result("usage.get", ["period": "day"])["usage"]?["renders"] == 2
                    }
                    _ = try await b.rendered(page)
                    try await eventually("node-0 sees the cluster's three renders", timeout: .seconds(15)) {
                        try await a.result("usage.get", ["period": "day"])["usage"]?["renders"] == 3
                    }
                    for node in [a, b] {
                        let refused = try await node.render(page)
                        #expect(refused["error"]?["code"] == -32007, "\(refused)")
                        #expect(refused["error"]?["data"]?["scope"] == "renders_per_day")
                        #expect(refused["error"]?["data"]?["used"] == 3, "\(refused)")
                    }
                    let month = try await b.result("usage.get", ["period": "month"])["usage"]
                    #expect(month?["renders"] == 3, "\(String(describing: month))")
                }
            }
        }
    }
}
