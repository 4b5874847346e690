public import Foundation

/// A call refused by one of its tenant's limits (`TenantLimits`), before anything was leased or
/// created. RpcServer maps it: `rateLimited` to -32006, `budgetExceeded` to -32007.
public enum TenantLimitError: Error, Sendable, Hashable {
    /// Over `concurrent_renders` or `renders_per_minute` (`scope`): try again after `retryAfterMs`.
    case rateLimited(scope: String, limit: Int, retryAfterMs: Int)
    /// A budget of `scope` is used up: `used` of `limit`, until `resetsAt` (nil: not a period budget,
    /// e.g. `max_sessions`).
    case budgetExceeded(scope: String, limit: Int, used: Int, resetsAt: Date?)

    /// The limit's name.
    public var scope: String {
        switch self {
        case .rateLimited(let scope, _, _), .budgetExceeded(let scope, _, _, _): scope
        }
    }
}
