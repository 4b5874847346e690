import AsyncSupport
public import Logging
public import RenderTypes
public import SessionContext
import Synchronization

/// This node's part in a cluster of nodes sharing one session database (a `ClusterSessionBackend`):
/// who it is, the other nodes as their heartbeats show them, and where each call for a session is
/// served — here, or on the node that holds the session's warm context or profile browser.
///
/// A session without node-local resources is served by whichever node gets the call (its renders
/// take turns through leases). One with a warm context or a profile has an owner, recorded in the
/// database: a call landing elsewhere is forwarded to it while it sends heartbeats, and taken over
/// (state from the database, a fresh context or profile browser here) once it is gone.
public final class Cluster: Sendable {
    /// The shared backend: leases, placement, the creation gate, heartbeats.
    public let backend: any ClusterSessionBackend
    /// Identity defaults and the cluster's pace.
    public let configuration: NodeConfiguration
    let directory = NodeDirectory()
    /// Resolved once the server listens (the port is known only then).
    let identified = AsyncLatch<Void>()
    let metrics: ClusterMetrics
    let logger: Logger
    private let identity: Mutex<ServerHealth.Node>

    /// A cluster member over `backend`, named by `configuration` until `identify` names it for good.
    public init(backend: any ClusterSessionBackend, configuration: NodeConfiguration, metrics: ClusterMetrics, logger: Logger) {
        self.backend = backend
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        identity = Mutex(
            ServerHealth.Node(id: configuration.resolvedID(port: 0), advertiseURL: configuration.resolvedAdvertiseURL(port: 0)))
    }

    /// Names this node (once the server listens and its port is known); heartbeats start then.
    public func identify(_ node: ServerHealth.Node) {
        identity.withLock { $0 = node }
        identified.resolve(())
    }

    /// This node's id and advertised URL.
    public var node: ServerHealth.Node { identity.withLock { $0 } }

    /// This node's id: the holder of its leases, the owner of its sessions.
    public var nodeID: String { node.id }

    /// A call forwarded to `nodeID` could not reach it: its sessions are taken over until it sends
    /// a heartbeat again.
    public func markUnreachable(_ nodeID: String, at url: String) {
        directory.markUnreachable(nodeID, at: url)
        logger.warning(
            "node unreachable: its sessions are taken over", metadata: ["node_id": "\(nodeID)", "advertise_url": "\(url)"])
    }

    /// Where a call for a session recorded as `placement` (nil: none yet, this call creates it) is
    /// served. `profile` is one the call binds now; a call another node forwarded here
    /// (`forwardedBy`) is always served here, so a call travels one hop at most.
    func place(_ placement: SessionPlacement?, bindingProfile profile: String?, forwardedBy: String?) async -> Placement {
        guard let placement else { return .here(claimingOwnership: profile != nil, takeover: nil) }
        guard placement.keepWarm || placement.profile != nil || profile != nil else {
            return .here(claimingOwnership: false, takeover: nil)
        }
        let me = nodeID
        guard let owner = placement.owner, owner != me else {
            return .here(claimingOwnership: placement.owner == nil, takeover: nil)
        }
        if let forwardedBy {
            return .here(
                claimingOwnership: true,
                takeover: Takeover(previousOwner: owner, reason: "node \(forwardedBy) forwarded the call here"))
        }
        switch await liveness(of: owner) {
        case .alive(let status):
            return .owner(status)
        case .gone(let reason):
            return .here(claimingOwnership: true, takeover: Takeover(previousOwner: owner, reason: reason))
        }
    }

    /// Where node `nodeID` serves calls while it sends heartbeats (its advertised URL); nil when it is
    /// gone, or is this node. What a call for something only that node has (a live view) is forwarded to.
    public func aliveURL(of nodeID: String) async -> String? {
        guard nodeID != self.nodeID, case .alive(let status) = await liveness(of: nodeID) else { return nil }
        return status.advertiseURL
    }

    /// Node `nodeID`'s standing. One found gone in the last read is judged again on the table as it
    /// is now, not as the last heartbeat read it: it may have joined (or beaten) since. Rare, so one
    /// more round trip is cheap.
    private func liveness(of nodeID: String) async -> NodeDirectory.Liveness {
        let liveness = directory.liveness(of: nodeID, timeout: configuration.nodeTimeout)
        guard case .gone = liveness else { return liveness }
        do throws(SessionError) {
            try await refresh()
        } catch {
            logger.debug("nodes not read", metadata: ["error": "\(error)"])
            return liveness
        }
        return directory.liveness(of: nodeID, timeout: configuration.nodeTimeout)
    }

    /// Writes this node's heartbeat with its figures and reads every node's.
    func beat(load: Double, browsers: Int) async throws(SessionError) {
        let node = self.node
        let started = ContinuousClock.now
        let nodes = try await backend.heartbeat(
            NodeHeartbeat(nodeID: node.id, advertiseURL: node.advertiseURL, load: load, browsers: browsers))
        directory.update(nodes, readAt: started)
        metrics.update(nodes, timeout: configuration.nodeTimeout)
    }

    /// Reads every node's status (no heartbeat of this node's).
    func refresh() async throws(SessionError) {
        let started = ContinuousClock.now
        directory.update(try await backend.nodes(), readAt: started)
    }

    /// Takes this node out of the nodes table (it stops): the others take its sessions over at once.
    func leave() async throws(SessionError) {
        try await backend.leave(nodeID: nodeID)
    }

    /// What `cluster.nodes` answers: every node as the database has it now.
    public func nodesReport() async throws(SessionError) -> ClusterNodes {
        let me = nodeID
        let timeout = configuration.nodeTimeout.inSeconds
        return ClusterNodes(
            nodes: try await backend.nodes().map { status in
                ClusterNodes.Node(
                    nodeID: status.nodeID, advertiseURL: status.advertiseURL, lastHeartbeat: status.lastHeartbeat,
                    secondsSinceHeartbeat: status.secondsSinceHeartbeat, alive: status.secondsSinceHeartbeat < timeout,
                    load: status.load, browsers: status.browsers, thisNode: status.nodeID == me)
            })
    }
}
