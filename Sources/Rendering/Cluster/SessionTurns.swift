import AsyncSupport
import SessionContext

/// How the renders of one session take turns, so that each starts from what the previous one
/// wrote back: a node-local lock on one node (`LocalSessionTurns`), that lock and a lease in the
/// shared database across nodes (`LeasedSessionTurns`).
protocol SessionTurns: Sendable {
    /// Runs `body` in session `id`'s turn, waiting for it at most until `deadline`; with
    /// `claimingOwnership`, this node becomes the session's owner when its turn begins. Throws
    /// `LockRefusal` when the turn is not had in time (or too many wait), `CancellationError` when
    /// cancelled while waiting, `SessionError` from the store, else what `body` throws.
    /// `control`: the turn is a controller's hold (recorded as the lease's holder in a cluster, so
    /// that other nodes refuse renders at once); a render waiting for a lease a controller holds is
    /// refused with `RenderingError.sessionHeld`.
    func withTurn<T: Sendable>(
        _ id: SessionID, deadline: ContinuousClock.Instant, claimingOwnership: Bool, control: ControlMark?,
        _ body: (SessionTurn) async throws -> T
    ) async throws -> T
}

extension SessionTurns {
    /// A render's turn.
    func withTurn<T: Sendable>(
        _ id: SessionID, deadline: ContinuousClock.Instant, claimingOwnership: Bool,
        _ body: (SessionTurn) async throws -> T
    ) async throws -> T {
        try await withTurn(id, deadline: deadline, claimingOwnership: claimingOwnership, control: nil, body)
    }
}
