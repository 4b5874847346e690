import Foundation
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

/// `cluster.nodes` on a node of its own (a SQLite or memory store, shared with nobody): the list is
/// this node alone, as it is now; params are refused like any method's.
@Suite(.serialized) struct ClusterNodesMethodTests {
    @Test func onASingleNodeTheListIsThisNodeAloneMatchingTheDocumentedSchema() async throws {
        try await TestServer.run { server in
            let nodes = try #require(try await server.checkedResult("cluster.nodes")["nodes"]?.arrayValue)
            #expect(nodes.count == 1)
            let node = try #require(nodes.first)
            #expect(node["this_node"] == true)
            #expect(node["alive"] == true)
            #expect(node["browsers"] == 0, "a server without a pool runs no browser")
            let health = try await server.result("health")
            #expect(node["node_id"] == health["node"]?["id"])
            #expect(node["advertise_url"] == health["node"]?["advertise_url"])
        }
    }

    /// Params the method does not take (it takes none), and params that are no params at all.
    @Test(arguments: [
        (#"{"node_id":"node-1"}"#, -32602), (#"["node-1"]"#, -32602), (#""all""#, -32600),
    ])
    func paramsAreRefusedAndNothingIsListed(params: String, code: Int) async throws {
        try await TestServer.run { server in
            let answer = try await server.rpc(#"{"jsonrpc":"2.0","method":"cluster.nodes","id":1,"params":\#(params)}"#)
            #expect(try answer.json["error"]?["code"] == .int(code), "\(answer.body)")
            #expect(try answer.json["result"] == nil)
        }
    }
}
