/// The stage of a render a timeout hit (SPEC's `data.stage` of -32004; `capture` is Tidepool's own
/// for a deadline that runs out while the result is being read).
public enum RenderStage: String, Sendable, Hashable, CaseIterable {
    case queue, navigation, wait, action, capture
}

/// Why a render failed, typed so that the protocol layer (RpcServer's `RpcErrorMapping`) maps each
/// case to its JSON-RPC error in one place.
public enum RenderError: Error, Sendable, Hashable {
    /// A config field cannot be honoured (-32602); `field` is its path from the params (`config.wait_for.selector`).
    case invalidConfig(field: String, reason: String)
    /// The URL (or a `navigate` action's) is not allowed (-32009).
    case urlNotAllowed(url: String, reason: String)
    /// The deadline passed (-32004): in which stage, after how long since the call arrived.
    case timeout(stage: RenderStage, elapsedMs: Int)
    /// The page could not be loaded (-32005): Chromium's net error, e.g. `net::ERR_CONNECTION_REFUSED`.
    case navigationFailed(url: String, netError: String)
    /// A non-optional action failed (-32010): its index in `actions` and why.
    case actionFailed(index: Int, reason: String)
    /// The browser or the page's renderer died during the call (-32008); `retried` when a first crash
    /// before navigation was already retried on another browser.
    case browserCrashed(retried: Bool, detail: String)
    /// No browser context could be had (-32006).
    case overloaded(queueLength: Int, retryAfterMs: Int)
    /// The calling task was cancelled: in which stage, after how long (-32004 like a timeout: SPEC has no
    /// code of its own for it, and it is neither a crash to retry nor an internal error).
    case cancelled(stage: RenderStage, elapsedMs: Int)
    /// Anything else (-32603); the detail is for the log, not for callers.
    case internalError(String)
}

extension RenderError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidConfig(let field, let reason): "\(field): \(reason)"
        case .urlNotAllowed(let url, let reason): "URL not allowed: \(url): \(reason)"
        case .timeout(let stage, let elapsedMs): "render timed out in stage \(stage.rawValue) after \(elapsedMs) ms"
        case .navigationFailed(let url, let netError): "navigation to \(url) failed: \(netError)"
        case .actionFailed(let index, let reason): "action \(index) failed: \(reason)"
        case .browserCrashed(let retried, let detail): "browser crashed\(retried ? " (after one retry)" : ""): \(detail)"
        case .overloaded(let queueLength, let retryAfterMs):
            "overloaded: \(queueLength) renders queued, retry after \(retryAfterMs) ms"
        case .cancelled(let stage, let elapsedMs): "render cancelled in stage \(stage.rawValue) after \(elapsedMs) ms"
        case .internalError(let detail): "internal error: \(detail)"
        }
    }
}
