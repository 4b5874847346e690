/// One node's turn at rendering a session, granted by a `ClusterSessionBackend`: while it holds,
/// no other node renders the session. Its `token` is the fencing token: the backend hands out a
/// higher one with every grant (of any session), and a write made under a lease is applied only
/// while its token is still the session's newest, so a holder that outlived its lease (a frozen or
/// partitioned node) never overwrites what the next holder wrote.
public struct SessionLease: Sendable, Hashable {
    /// The session the lease is for.
    public let sessionID: SessionID
    /// The node holding it (its node id).
    public let holder: String
    /// The fencing token, strictly higher than every token granted before it.
    public let token: Int64

    public init(sessionID: SessionID, holder: String, token: Int64) {
        self.sessionID = sessionID
        self.holder = holder
        self.token = token
    }
}

/// What asking for a session's lease gave.
public enum LeaseAttempt: Sendable, Hashable {
    /// The lease, and the session as stored when it was granted (the previous holder's write-back
    /// included): render from this.
    case granted(SessionLease, RpcSessionContext)
    /// Another holder's lease runs still; ask again later.
    case held(by: String)
}

/// How a write under a lease is fenced: made only while `lease` is the session's newest, and
/// releasing it in the same transaction when `releasing`.
public struct SessionFence: Sendable, Hashable {
    /// The lease the write is made under.
    public var lease: SessionLease
    /// Whether the write also ends the lease (the last write of a turn).
    public var releasing: Bool

    public init(lease: SessionLease, releasing: Bool) {
        self.lease = lease
        self.releasing = releasing
    }
}
