import AsyncSupport
import SessionContext

/// Turns on one node: a FIFO lock per session (bounded waiters, the call's deadline), and the
/// session read once the lock is had. What memory and SQLite sessions use: nothing else renders them.
struct LocalSessionTurns: SessionTurns {
    let locks: KeyedLock<SessionID>
    let store: RpcSessionStore<AnySessionBackend>

    func withTurn<T: Sendable>(
        _ id: SessionID, deadline: ContinuousClock.Instant, claimingOwnership: Bool, control: ControlMark?,
        _ body: (SessionTurn) async throws -> T
    ) async throws -> T {
        try await locks.withLock(id, deadline: deadline) {
            try await body(SessionTurn(session: try await store.backend.load(id), lease: nil))
        }
    }
}
