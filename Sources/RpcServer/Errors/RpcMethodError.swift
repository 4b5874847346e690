public import Foundation


/// The typed errors a method handler throws, one case per error of SPEC's table, each carrying
/// the figures its `data` needs. `RpcErrorMapping` turns these (and the other libraries' typed
/// errors) into the wire's error object.
public enum RpcMethodError: Error, Sendable, Hashable {
    /// -32602: a param is missing, mistyped, unknown or out of range.
    case invalidParams(field: String, reason: String)
    /// -32001: no session has this id.
    case sessionNotFound(sessionID: String)
    /// -32002: the session expired at `expiredAt` and is no longer served.
    case sessionExpired(sessionID: String, expiredAt: Date)
    /// -32003: the session's `max_requests` is used up.
    case requestLimitReached(sessionID: String, maxRequests: Int)
    /// -32004: the call ran out of time in `stage`.
    case renderTimeout(stage: TimeoutStage, elapsedMs: Int)
    /// -32005: the browser could not load `url`.
    case navigationFailed(url: String, netError: String)
    /// -32006: the queue is full or no browser context could be checked out in time.
    case overloaded(retryAfterMs: Int, queueLength: Int)
    /// -32006: refused for now, for `reason` (the session is held by a controller, a hand-off limit
    /// is reached); try again after `retryAfterMs`.
    case refusedForNow(reason: String, retryAfterMs: Int)
    /// -32007: a budget (bytes, requests…) of `scope` was used up.
    case budgetExceeded(scope: String, limit: Int, used: Int)
    /// -32006: over a tenant's rate or concurrency limit `scope` (`concurrent_renders`,
    /// `renders_per_minute`); nothing was leased.
    case rateLimited(scope: String, limit: Int, retryAfterMs: Int)
    /// -32007: a tenant's budget `scope` is used up (`used` of `limit`) until `resetsAt` (nil for
    /// `max_sessions`, which is no period's).
    case tenantBudgetExceeded(scope: String, limit: Int, used: Int, resetsAt: Date?)
    /// -32008: the browser died during the call.
    case browserCrashed(retried: Bool)
    /// -32009: the URL's scheme or form is refused.
    case urlNotAllowed(url: String, reason: String)
    /// -32010: the action at `actionIndex` failed.
    case actionFailed(actionIndex: Int, reason: String)
    /// -32603: something failed inside the server; `detail` goes to the log only.
    case internalError(detail: String)
    /// -32603: something the call needs cannot be reached right now (the session database is down);
    /// `reason` names it for the caller (no credentials) and goes to the log too.
    case unavailable(reason: String)

    /// Where a render ran out of time (`capture`: while the result was read, Tidepool's own).
    public enum TimeoutStage: String, Sendable, Hashable, Codable {
        case navigation, wait, action, queue, capture
    }
}
