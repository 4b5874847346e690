/// Where a session's node-local resources live, as a `ClusterSessionBackend` records it: what a
/// node needs to decide whether it serves a call for the session or forwards it, without reading
/// the session's browser state.
public struct SessionPlacement: Sendable, Hashable {
    /// The session's profile, when it renders with one (a profile browser on its owner).
    public var profile: String?
    /// Whether the session keeps a warm context (on its owner) between calls.
    public var keepWarm: Bool
    /// The node that holds the session's warm context or profile browser; nil before any node has.
    public var owner: String?

    public init(profile: String?, keepWarm: Bool, owner: String?) {
        self.profile = profile
        self.keepWarm = keepWarm
        self.owner = owner
    }
}
