/// What a backend shared by several nodes (PostgreSQL) offers them besides storing sessions, so that
/// everything exact on one node stays exact across nodes. A capability: backends of one node
/// (memory, SQLite) do not conform, and their users keep the node-local locks.
///
/// - **Leases** serialise the renders of one session across nodes (`acquireLease` … `releaseLease`),
///   expire by themselves when their holder dies, and fence its late writes (`modify(_:fencedBy:_:)`).
/// - **Placement**: the node holding a session's node-local resources (warm context, profile
///   browser), claimed when a lease is granted, read without the session's browser state.
/// - **Creation gate**: creations counted against a cap take turns across all nodes.
/// - **Heartbeats**: the nodes table, with each node's last heartbeat on the database's clock.
///
/// Times are the database's, so the nodes' clocks never decide who holds what.
public protocol ClusterSessionBackend: SessionBackend {
    /// Grants `holder` the lease of session `id` for `duration` when nobody holds it or the last
    /// holder's ran out, with a fencing token higher than any granted before; when
    /// `claimingOwnership`, the holder also becomes the session's owner (`placement(of:)`).
    /// `.held(by:)` when another lease runs; throws `.notFound` when there is no session `id`.
    func acquireLease(_ id: SessionID, holder: String, duration: Duration, claimingOwnership: Bool)
        async throws(SessionError) -> LeaseAttempt

    /// Extends `lease` by `duration` from now; false when it is no longer the session's lease
    /// (it ran out and another holder got one, or it was released, or the session is gone).
    func renewLease(_ lease: SessionLease, duration: Duration) async throws(SessionError) -> Bool

    /// Ends `lease` so another holder may have the session at once (nothing when it already ended).
    func releaseLease(_ lease: SessionLease) async throws(SessionError)

    /// Like `modify`, but only while `fence.lease` is still the session's newest lease: otherwise
    /// `body` does not run, nothing is written and `.leaseLost` is thrown. With `fence.releasing`,
    /// the lease ends in the same transaction as the write.
    func modify<R: Sendable>(
        _ id: SessionID, fencedBy fence: SessionFence, _ body: (inout RpcSessionContext?) -> R
    ) async throws(SessionError) -> R

    /// Who holds session `id`'s lease now (a lease run out holds nothing); nil when nobody does or
    /// there is no session `id`. What a change made without a lease (a `cookies.*` call) checks when
    /// a controller on another node may hold the session.
    func leaseHolder(of id: SessionID) async throws(SessionError) -> String?

    /// Where session `id`'s node-local resources live; nil when there is no session `id`.
    func placement(of id: SessionID) async throws(SessionError) -> SessionPlacement?

    /// Runs `body` while no other node runs the body of its own gate, handing it the number of
    /// sessions stored when it began (expired ones not yet cleaned up included): a creation that
    /// checks a cap and creates inside `body` never overshoots it, whichever nodes create at once.
    /// Throws `.unavailable` when the gate is not had in time, else what `body` throws.
    func withCreationGate<T: Sendable>(_ body: (_ storedSessions: Int) async throws -> T) async throws -> T

    /// Records `beat` as its node's latest heartbeat and returns every node's status (this one's
    /// included), as of one reading of the database's clock.
    func heartbeat(_ beat: NodeHeartbeat) async throws(SessionError) -> [NodeStatus]

    /// Every node's status, as of now on the database's clock.
    func nodes() async throws(SessionError) -> [NodeStatus]

    /// Removes node `nodeID` from the nodes table (it stops): its sessions are taken over at once.
    func leave(nodeID: String) async throws(SessionError)
}
