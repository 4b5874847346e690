import FixtureServer
import Foundation
import NIOHTTP1
import PostgresSandbox
import RenderTypes
import SessionContext
import Testing
import TestSupport

extension BrowserSuites {
    /// Several `tidepool serve` nodes (no browsers) sharing one PostgreSQL: the session cap holds across
    /// them, `cluster.nodes` lists them as their heartbeats show, and an outage of the database is seen
    /// by every node and recovered from by each on its own. Among the serialized suites: three nodes
    /// and their database calls are load enough for the 2-core machine while other suites run.
    @Suite struct ClusterSessionTests {
        @Test func fortyConcurrentCreationsAgainstMaxSessionsSevenAcrossThreeNodesCreateSeven() async throws {
            try await TestCluster.with(nodes: 3, browsers: false, arguments: ["--max-sessions", "7"]) { cluster in
                let nodes = (0..<3).map(cluster.node)
                let codes = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<40 {
                        let node = nodes[index % 3]
                        group.addTask {
                            let response = try await node.call("session.create", ["session_id": .string("s\(index)")])
                            return response["result"] != nil ? 0 : response["error"]?["code"]?.intValue ?? 1
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(codes.filter { $0 == 0 }.count == 7, "\(codes)")
                #expect(codes.filter { $0 == -32007 }.count == 33, "\(codes)")
                let listed = try await nodes[2].result("session.list", ["limit": 100])["sessions"]?.arrayValue ?? []
                #expect(listed.count == 7)
            }
        }

        @Test func clusterNodesListsEveryNodeAndAStoppedNodeLeavesTheList() async throws {
            try await TestCluster.with(nodes: 2, browsers: false) { cluster in
                let listed = try await cluster.node(0).result("cluster.nodes")["nodes"]?.arrayValue ?? []
                #expect(listed.compactMap { $0["node_id"]?.stringValue } == ["node-0", "node-1"])
                #expect(listed.map { $0["this_node"] } == [true, false])
                #expect(listed.first?["advertise_url"] == .string(cluster.nodes[0].baseURL))
                #expect(listed.allSatisfy { $0["alive"] == true && ($0["seconds_since_heartbeat"]?.doubleValue ?? 99) < 5 })
                #expect(listed.first?["last_heartbeat"]?.stringValue.flatMap(RFC3339.date(from:)) != nil)
                #expect(try await cluster.nodes[1].stop(with: SIGTERM) == 0)
                try await eventually("node-1 left the list") {
                    try await cluster.node(0).result("cluster.nodes")["nodes"]?.arrayValue?.count == 1
                }
            }
        }

        @Test func aDatabaseStoppedAndRestartedUnderLoadMakesEveryNodeUnhealthyThenEachRecoversByItself() async throws {
            try await TestPostgres.withPrivateServer { database in
                try await database.createDatabase("cluster")
                try await TestCluster.with(nodes: 2, browsers: false, databaseURL: database.url(database: "cluster")) { cluster in
                    let nodes = [cluster.node(0), cluster.node(1)]
                    _ = try await nodes[0].result("session.create", ["session_id": "steady"])
                    // Load: both nodes read and count the session all along, until told to stop.
                    let load = Task {
                        var answered = 0
                        while !Task.isCancelled {
                            for node in nodes {
                                if (try? await node.call("session.get", ["session_id": "steady"]))?["result"] != nil { answered += 1 }
                            }
                        }
                        return answered
                    }
                    try await eventually("calls answered under load") { try await nodes[1].metric(#"tidepool_rpc_requests_total{method="session.get",code="0"}"#) > 10 }
                    try await database.stop()
                    for node in nodes {
                        try await eventually("the node reports unhealthy") { try await node.request(.GET, "/health").status == 503 }
                    }
                    try await database.restart()
                    for node in nodes {
                        try await eventually("the node is healthy again", timeout: .seconds(60)) {
                            try await node.request(.GET, "/health").status == 200
                        }
                    }
                    load.cancel()
                    #expect(await load.value > 0)
                    for node in nodes {
                        #expect(try await node.result("session.get", ["session_id": "steady"])["session_id"] == "steady")
                    }
                    try await cluster.waitUntilFormed()
                }
            }
        }
    }
}
