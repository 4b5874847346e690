public import Foundation

/// A node as the nodes table holds it: its last heartbeat and the figures it sent with it.
public struct NodeStatus: Sendable, Hashable {
    /// The node's id.
    public var nodeID: String
    /// The URL the other nodes reach it at.
    public var advertiseURL: String
    /// When it last sent a heartbeat (the database's clock).
    public var lastHeartbeat: Date
    /// Seconds between that heartbeat and the moment the table was read, on the database's clock,
    /// so that the nodes' own clocks never matter.
    public var secondsSinceHeartbeat: Double
    /// Its pool's utilization at that heartbeat, 0…1.
    public var load: Double
    /// Browsers it ran at that heartbeat.
    public var browsers: Int

    public init(
        nodeID: String, advertiseURL: String, lastHeartbeat: Date, secondsSinceHeartbeat: Double, load: Double, browsers: Int
    ) {
        self.nodeID = nodeID
        self.advertiseURL = advertiseURL
        self.lastHeartbeat = lastHeartbeat
        self.secondsSinceHeartbeat = secondsSinceHeartbeat
        self.load = load
        self.browsers = browsers
    }
}
