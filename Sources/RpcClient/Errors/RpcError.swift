public import Foundation
public import RenderTypes

/// Everything a Tidepool call can fail with: one case per JSON-RPC error code of SPEC's table,
/// carrying the figures of the server's `data`, plus the failures on the way there (transport,
/// deadline, local session store). Match the cases you handle and log the rest: every value
/// reads well as a log line (`description`).
public enum RpcError: Error, Sendable, Hashable {
    // MARK: JSON-RPC protocol (-326xx)

    /// -32700: the server could not parse the request as JSON.
    case parseError(message: String)
    /// -32600: the request was not a valid JSON-RPC request (or the batch was empty or too big).
    case invalidRequest(message: String)
    /// -32601: the server has no such method.
    case methodNotFound(method: String)
    /// -32602: a param is missing, mistyped, unknown or out of range; `field` is its dotted path.
    case invalidParams(field: String, reason: String)
    /// -32603: the server failed; `requestID` finds the details in the server's log.
    case internalError(requestID: String?)

    // MARK: Tidepool (-320xx)

    /// -32001: no session has this id.
    case sessionNotFound(String)
    /// -32002: the session expired (at `expiredAt`, when known) and is no longer served.
    case sessionExpired(String, expiredAt: Date?)
    /// -32003: the session used up its `max_requests`; nothing was rendered. Also thrown by the
    /// client's own session store, before any network call.
    case requestLimitReached(max: Int, sessionID: String)
    /// -32004: the render ran out of time in `stage` (`navigation`, `wait`, `action`, `queue`).
    case renderTimeout(stage: String, elapsedMs: Int)
    /// -32005: the browser could not load `url` (`netError` like `net::ERR_CONNECTION_REFUSED`).
    case navigationFailed(url: String, netError: String)
    /// -32006: the server's queue is full or no browser was free in time; retry after `retryAfterMs`.
    case overloaded(retryAfterMs: Int?, queueLength: Int?)
    /// -32007: a budget of `scope` is used up.
    case budgetExceeded(scope: String, limit: Int, used: Int)
    /// -32008: the browser crashed during the call (`retried`: the server already retried once).
    case browserCrashed(retried: Bool)
    /// -32009: the URL is refused (scheme or form).
    case urlNotAllowed(url: String, reason: String)
    /// -32010: the action at `actionIndex` failed (selector not found, evaluation threw…).
    case actionFailed(actionIndex: Int, reason: String)
    /// Any other error object the server answered (a code outside SPEC's table), kept whole.
    case server(RpcErrorObject)

    // MARK: Transport and client

    /// The HTTP exchange failed before an answer arrived (connection refused or reset, TLS…).
    case connectionFailed(url: String, reason: String)
    /// The server answered an HTTP status other than 200/204 (401 without the right token, 413, 5xx…).
    case httpStatus(Int, body: String)
    /// The server's answer is not the JSON-RPC response expected (or its result has the wrong shape).
    case invalidResponse(String)
    /// The call's deadline passed after `attempts` attempts; the last failure, if any, is `lastError`.
    indirect case deadlineExceeded(timeout: Duration, attempts: Int, lastError: RpcError?)
    /// The calling task was cancelled.
    case cancelled
    /// `shutdown()` was called on this client.
    case clientShutDown
    /// The client was given something it cannot use (a bad URL, params that do not encode…).
    case invalidArgument(String)
    /// A client-side session call was made without a session store (`enableSessions()`).
    case sessionsNotEnabled
    /// The client's own session store failed (its backend's I/O).
    case sessionStore(String)
}
