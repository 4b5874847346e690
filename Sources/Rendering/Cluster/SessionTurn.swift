import SessionContext
import Synchronization

/// One render's turn at a session (`SessionTurns.withTurn`): the session as stored when the turn
/// began, and the lease it holds in a cluster. The turn's last write carries `finalFence`; once
/// that write ended the lease, `leaseEnded()` spares the turn a release of its own.
final class SessionTurn: Sendable {
    /// The session as stored when the turn began (the previous turn's write-back included); nil
    /// when it no longer exists.
    let session: RpcSessionContext?
    /// The cluster-wide lease of this turn; nil on one node (its lock is local).
    let lease: SessionLease?
    private let ended = Atomic<Bool>(false)

    init(session: RpcSessionContext?, lease: SessionLease?) {
        self.session = session
        self.lease = lease
    }

    /// The fence of the turn's last write: under its lease, ending it in the same transaction.
    var finalFence: SessionFence? { lease.map { SessionFence(lease: $0, releasing: true) } }

    /// The lease needs no release any more (a write ended it, or it passed to another node).
    func leaseEnded() {
        ended.store(true, ordering: .relaxed)
    }

    /// Whether the lease still needs releasing when the turn ends.
    var holdsLease: Bool { lease != nil && !ended.load(ordering: .relaxed) }
}
