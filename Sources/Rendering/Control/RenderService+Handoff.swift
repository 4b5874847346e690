import Foundation
import SessionContext

extension RenderService {
    /// The session a hand-off (`session.connect`, `live.create`) takes, and how long the hand-off may
    /// last: `ttlSeconds` (1…`maxTTL`, default 300) clamped so that it ends before the session could
    /// expire under it (its write-back renews the session when it auto-renews). A session with a
    /// profile is refused unless the hand-off takes the profile's directory over (`allowingProfile`:
    /// a CDP client's browser starts on it); so is a held one at once when the hand-off would hold it
    /// too (`holding`).
    func handoffSession(_ id: SessionID, ttlSeconds: Int?, maxTTL: Int, holding: Bool, allowingProfile: Bool = false) async throws
        -> (session: RpcSessionContext, ttl: Int)
    {
        if let ttlSeconds, !(1...maxTTL).contains(ttlSeconds) {
            throw RenderingError.invalidParams(field: "ttl_secs", reason: "must be 1…\(maxTTL) seconds, got \(ttlSeconds)")
        }
        if holding { try sessions.holds.refuseIfHeld(id) }
        let session = try await sessions.store.peek(id)
        if let profile = session.profile, allowingProfile {
            try profileLocation.forTenant(id.tenant).checkNotLinkingOut(profile, field: "session_id")
        } else if let profile = session.profile {
            throw RenderingError.invalidParams(
                field: "session_id",
                reason: "session \(id) renders with profile \(profile), whose browser holds its directory: a live view shows sessions without a profile (session.connect takes one)")
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
