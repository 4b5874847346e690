/// What a node says about itself at each heartbeat (`ClusterSessionBackend.heartbeat`).
public struct NodeHeartbeat: Sendable, Hashable {
    /// The node's id (unique among the nodes sharing the database).
    public var nodeID: String
    /// The URL the other nodes reach it at.
    public var advertiseURL: String
    /// Its browser pool's utilization now, 0…1 (leased contexts over capacity).
    public var load: Double
    /// Browsers it runs now (pool and profile browsers).
    public var browsers: Int

    public init(nodeID: String, advertiseURL: String, load: Double, browsers: Int) {
        self.nodeID = nodeID
        self.advertiseURL = advertiseURL
        self.load = load
        self.browsers = browsers
    }
}
