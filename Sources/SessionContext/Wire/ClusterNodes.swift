public import Foundation

/// What `cluster.nodes` answers: every node sharing the session database, by id.
public struct ClusterNodes: Sendable, Hashable, Codable {
    /// One node as `cluster.nodes` lists it.
    public struct Node: Sendable, Hashable {
        /// The node's id (`--node-id`).
        public var nodeID: String
        /// The URL the other nodes reach it at (`--advertise-url`).
        public var advertiseURL: String
        /// When it last sent a heartbeat (the database's clock).
        public var lastHeartbeat: Date
        /// Seconds since that heartbeat when the table was read (the database's clock).
        public var secondsSinceHeartbeat: Double
        /// Whether it counts as alive (a heartbeat within the node timeout): calls for the sessions
        /// it owns are forwarded to it; those of a node that is not are taken over.
        public var alive: Bool
        /// Its browser pool's utilization at that heartbeat, 0…1.
        public var load: Double
        /// Browsers it ran at that heartbeat.
        public var browsers: Int
        /// Whether this is the node that answered.
        public var thisNode: Bool

        public init(
            nodeID: String, advertiseURL: String, lastHeartbeat: Date, secondsSinceHeartbeat: Double, alive: Bool,
            load: Double, browsers: Int, thisNode: Bool
        ) {
            self.nodeID = nodeID
            self.advertiseURL = advertiseURL
            self.lastHeartbeat = lastHeartbeat
            self.secondsSinceHeartbeat = secondsSinceHeartbeat
            self.alive = alive
            self.load = load
            self.browsers = browsers
            self.thisNode = thisNode
        }
    }

    public var nodes: [Node]

    public init(nodes: [Node]) {
        self.nodes = nodes
    }
}

extension ClusterNodes.Node: Codable {
    enum CodingKeys: String, CodingKey {
        case nodeID = "node_id"
        case advertiseURL = "advertise_url"
        case lastHeartbeat = "last_heartbeat"
        case secondsSinceHeartbeat = "seconds_since_heartbeat"
        case alive, load, browsers
        case thisNode = "this_node"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nodeID = try c.decode(String.self, forKey: .nodeID)
        advertiseURL = try c.decode(String.self, forKey: .advertiseURL)
        lastHeartbeat = try c.decodeRFC3339(forKey: .lastHeartbeat)
        secondsSinceHeartbeat = try c.decode(Double.self, forKey: .secondsSinceHeartbeat)
        alive = try c.decode(Bool.self, forKey: .alive)
        load = try c.decode(Double.self, forKey: .load)
        browsers = try c.decode(Int.self, forKey: .browsers)
        thisNode = try c.decode(Bool.self, forKey: .thisNode)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodeID, forKey: .nodeID)
        try c.encode(advertiseURL, forKey: .advertiseURL)
        try c.encode(RFC3339.string(from: lastHeartbeat), forKey: .lastHeartbeat)
        try c.encode(secondsSinceHeartbeat, forKey: .secondsSinceHeartbeat)
        try c.encode(alive, forKey: .alive)
        try c.encode(load, forKey: .load)
        try c.encode(browsers, forKey: .browsers)
        try c.encode(thisNode, forKey: .thisNode)
    }
}
