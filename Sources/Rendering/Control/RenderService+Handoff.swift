import AsyncSupport
import Foundation
import Logging
import SessionContext

extension RenderService {
    /// The session a hand-off (`session.connect`, `live.create`) takes, and how long the hand-off may
    /// last: `ttlSeconds` (1…`maxTTL`, default 300) clamped so that it ends before the session could
    /// expire under it (its write-back renews the session when it auto-renews). A held session is
    /// refused at once when the hand-off would hold it too (`holding`); a session whose profile name
    /// leads out of the profiles root is refused.
    func handoffSession(_ id: SessionID, ttlSeconds: Int?, maxTTL: Int, holding: Bool) async throws
        -> (session: RpcSessionContext, ttl: Int)
    {
        if let ttlSeconds, !(1...maxTTL).contains(ttlSeconds) {
            throw RenderingError.invalidParams(field: "ttl_secs", reason: "must be 1…\(maxTTL) seconds, got \(ttlSeconds)")
        }
        if holding { try sessions.holds.refuseIfHeld(id) }
        let session = try await sessions.store.peek(id)
        if let profile = session.profile {
            try profileLocation.forTenant(id.tenant).checkNotLinkingOut(profile, field: "session_id")
        }
        let remaining = Int(session.expiresAt.timeIntervalSince(sessions.store.clock.now())) - 2
        let ttl = min(ttlSeconds ?? 300, remaining)
        guard ttl >= 5 else {
            throw RenderingError.invalidParams(
                field: "ttl_secs", reason: "session \(id) expires in \(max(0, remaining + 2)) s: extend it (session.extend) first")
        }
        return (session, ttl)
    }
}

extension RenderService {
    /// Starts a hand-off's `life` in the background and returns what it makes ready. One of the
    /// node's hand-off slots (`max_cdp_browsers`, shared by CDP connections and live views) is taken
    /// first and, with `holding`, the session's control hold (renders and cookie changes refused on
    /// it, on every node, until `endsAt`); both are given back when `life` returns, then `afterwards`
    /// runs. `life` resolves `ready` once a client can connect; a failure before that is this call's
    /// error (renders in progress that outlast the turn's wait are `handoffUnavailable`), one after
    /// it is logged as `what` ending with an error.
    func startHandoff<Grant: Sendable>(
        _ id: SessionID, holding kind: ControlKind?, endsAt: ContinuousClock.Instant, what: String,
        life: @escaping @Sendable (AsyncLatch<Result<Grant, any Error>>) async throws -> Void,
        afterwards: @escaping @Sendable () async -> Void = {}
    ) async throws -> Grant {
        guard handoffs.reserve() else {
            throw RenderingError.handoffUnavailable(
                reason: "every hand-off of this node is in use (max_cdp_browsers \(handoffs.maxBrowsers): CDP connections and live views)",
                retryAfterMs: 1000)
        }
        var hold: SessionHolds.Hold?
        if let kind {
            guard let claimed = sessions.holds.claim(id, kind: kind, endsAt: endsAt) else {
                handoffs.unreserve()
                throw sessions.holds.refusal(for: id) ?? RenderingError.sessionHeld(kind: kind, retryAfterMs: 1000)
            }
            hold = claimed
        }
        let ready = AsyncLatch<Result<Grant, any Error>>()
        handoffTasks.run { [self, hold] in
            do {
                try await life(ready)
            } catch is LockRefusal {
                ready.resolve(.failure(RenderingError.handoffUnavailable(
                    reason: "the session's renders in progress did not end within 30 s", retryAfterMs: 1000)))
            } catch {
                if !ready.resolve(.failure(error)) {
                    logger.warning("\(what) ended with an error", metadata: ["session_id": "\(id)", "error": "\(error)"])
                }
            }
            if let hold { sessions.holds.release(id, hold) }
            handoffs.unreserve()
            await afterwards()
        }
        guard let outcome = await ready.wait() else { throw CancellationError() }
        return try outcome.get()
    }
}
