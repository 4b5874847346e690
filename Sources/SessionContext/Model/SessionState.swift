/// Where a session stands at a given instant. The store refreshes `RpcSessionContext.state` every
/// time it hands a session out; `RpcSessionContext.currentState(at:)` computes it for any instant.
public enum SessionState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Live and under its request limit: it can be served.
    case active
    /// Past `expires_at`: never served again, removed by the next cleanup.
    case expired
    /// Live but its `max_requests` are used up: reads work, requests are refused.
    case limitReached = "limit_reached"
}
