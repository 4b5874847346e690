import AsyncSupport
import Logging
import SessionContext

/// Turns across nodes: the node-local lock first (so that one task per node, not every waiting
/// call, asks the database), then the session's lease in the shared database, polled until it is
/// free or the call's deadline passes. The lease is renewed every third of its duration while the
/// render runs; the turn's last write ends it (`SessionTurn.finalFence`), else the turn releases it.
/// A node that dies holding one keeps the session from the others for at most `leaseDuration`, and
/// its late write is refused by the fence.
///
/// Within a node turns are first come, first served; between nodes a waiting node polls (5 ms,
/// doubling to 100 ms, with jitter), so a node with a queue of its own may go first.
struct LeasedSessionTurns: SessionTurns {
    let locks: KeyedLock<SessionID>
    let cluster: Cluster

    func withTurn<T: Sendable>(
        _ id: SessionID, deadline: ContinuousClock.Instant, claimingOwnership: Bool, control: ControlMark?,
        _ body: (SessionTurn) async throws -> T
    ) async throws -> T {
        try await locks.withLock(id, deadline: deadline) {
            let started = ContinuousClock.now
            let (lease, session) = try await acquire(
                id, deadline: deadline, claimingOwnership: claimingOwnership,
                holder: control?.leaseHolder(node: cluster.nodeID) ?? cluster.nodeID)
            cluster.metrics.recordLeaseWait(.now - started)
            let turn = SessionTurn(session: session, lease: lease)
            let renewal = Task { await keepRenewing(lease) }
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body(turn))
            } catch {
                outcome = .failure(error)
            }
            renewal.cancel()
            await renewal.value
            if turn.holdsLease { await release(lease) }
            return try outcome.get()
        }
    }

    /// The session's lease and the session as it grants it; asks again, with growing pauses, while
    /// another node holds it. Throws `LockRefusal.timedOut` when the next try would pass `deadline`,
    /// or a request to the database is still unanswered at it; `RenderingError.sessionHeld` at once
    /// when a controller holds it (on any node).
    private func acquire(_ id: SessionID, deadline: ContinuousClock.Instant, claimingOwnership: Bool, holder: String)
        async throws -> (SessionLease, RpcSessionContext)
    {
        let duration = cluster.configuration.leaseDuration
        let backend = cluster.backend
        var pause = Duration.milliseconds(5)
        while true {
            // Answered by the call's deadline even when the database is slow (the backend's own
            // bound is its operation timeout, seconds longer): a lease granted after the call gave
            // up is released at once.
            let answered = try await value(by: deadline) {
                try await backend.acquireLease(id, holder: holder, duration: duration, claimingOwnership: claimingOwnership)
            } late: { [self] attempt in
                if case .granted(let lease, _) = attempt { await release(lease) }
            }
            guard let attempt = answered else { throw LockRefusal.timedOut }
            switch attempt {
            case .granted(let lease, let session):
                return (lease, session)
            case .held(let by):
                if let mark = ControlMark(leaseHolder: by) { throw mark.refusal }
                let wait = pause + .milliseconds(Int.random(in: 0...pause.wholeMilliseconds))
                guard ContinuousClock.now + wait < deadline else { throw LockRefusal.timedOut }
                try await Task.sleep(for: wait)
                pause = min(pause * 2, .milliseconds(100))
            }
        }
    }

    /// Renews `lease` every third of its duration until cancelled, or until it is found lost (then
    /// the turn's write-back will be refused, and says so). A failed renewal is tried again.
    private func keepRenewing(_ lease: SessionLease) async {
        let duration = cluster.configuration.leaseDuration
        while true {
            do {
                try await Task.sleep(for: duration / 3)
            } catch {
                return
            }
            do throws(SessionError) {
                guard try await cluster.backend.renewLease(lease, duration: duration) else {
                    cluster.logger.warning(
                        "session lease lost during a render: its write-back will be refused",
                        metadata: ["session_id": "\(lease.sessionID)", "token": "\(lease.token)"])
                    return
                }
            } catch {
                cluster.logger.debug(
                    "session lease not renewed", metadata: ["session_id": "\(lease.sessionID)", "error": "\(error)"])
            }
        }
    }

    /// Ends `lease`, even when the call was cancelled; when that fails it runs out by itself.
    private func release(_ lease: SessionLease) async {
        let backend = cluster.backend
        let logger = cluster.logger
        await withoutCancellation {
            do throws(SessionError) {
                try await backend.releaseLease(lease)
            } catch {
                logger.warning(
                    "session lease not released: it runs out by itself",
                    metadata: ["session_id": "\(lease.sessionID)", "error": "\(error)"])
            }
        }
    }
}
