import SessionContext

/// Where a call for a session is served, as `Cluster.place` decides it.
enum Placement: Sendable, Hashable {
    /// This node serves it. `claimingOwnership`: it becomes the session's owner (when its lease is
    /// granted), the node holding its warm context or profile browser from now on; `takeover`: the
    /// owner it replaces, when there was another.
    case here(claimingOwnership: Bool, takeover: Takeover?)
    /// The owner, alive, serves it: the call goes there (once).
    case owner(NodeStatus)
}

/// A session taken from its owner by this node: who owned it and why it was not asked.
struct Takeover: Sendable, Hashable {
    /// The node that owned the session.
    var previousOwner: String
    /// Why the call was not forwarded to it ("no heartbeat for 6.1 s", …).
    var reason: String
}
