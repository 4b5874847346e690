import Foundation
import Rendering
import RenderTypes
import SessionContext

/// `cluster.nodes`: the nodes sharing the session database, as their heartbeats left them.
enum ClusterMethods {
    static let node = JSONSchema.object(
        [
            "node_id": .string, "advertise_url": .string, "last_heartbeat": WireSchemas.timestamp,
            "seconds_since_heartbeat": .number(minimum: 0),
            "alive": JSONSchema.boolean.described("A heartbeat within the node timeout: calls for its sessions go to it."),
            "load": JSONSchema.number(minimum: 0, maximum: 1).described("Pool utilization at the last heartbeat."),
            "browsers": .integer(minimum: 0), "this_node": .boolean,
        ],
        required: [
            "node_id", "advertise_url", "last_heartbeat", "seconds_since_heartbeat", "alive", "load", "browsers", "this_node",
        ]
    )

    /// Registers `cluster.nodes`. With a backend of one node (SQLite, memory) the list is this node
    /// alone, as it is now; `health` names it, `renders` gives its figures.
    static func register(
        in registry: inout RpcMethodRegistry, sessions: SessionService, health: HealthReporter, renders: RenderService?
    ) {
        registry.addSchema("ClusterNode", node)
        registry.register(
            "cluster.nodes",
            summary: "The nodes sharing the session database: last heartbeat, whether alive, load and browsers.",
            params: NoParams.self,
            result: RpcResultSpec("nodes", .object(["nodes": .array(of: .ref("ClusterNode"))], required: ["nodes"]))
        ) { (_: NoParams, _) in
            if let cluster = sessions.cluster { return try await cluster.nodesReport() }
            let (load, browsers) = await renders?.heartbeatFigures() ?? (0, 0)
            let me = health.node
            return ClusterNodes(nodes: [
                ClusterNodes.Node(
                    nodeID: me?.id ?? "", advertiseURL: me?.advertiseURL ?? "", lastHeartbeat: Date(),
                    secondsSinceHeartbeat: 0, alive: true, load: load, browsers: browsers, thisNode: true)
            ])
        }
    }
}
