/// The refusals of the session-aware render path itself, besides what the layers below throw
/// (`RenderError` from the renderer, `SessionError` from the session store). Each case carries the
/// figures a caller needs; RpcServer maps every case to its JSON-RPC code in one place.
public enum RenderingError: Error, Sendable, Hashable {
    /// A param the render path checks itself (`profile`, `user_data_dir`, `session_id`, a proxy with
    /// a profile) is refused; `field` names it.
    case invalidParams(field: String, reason: String)
    /// A budget of `scope` is used up (`sessions`: the store already holds `limit` sessions).
    case budgetExceeded(scope: String, limit: Int, used: Int)
    /// Too many callers wait for the same gate; try again after `retryAfterMs`.
    case overloaded(retryAfterMs: Int, queueLength: Int)
    /// The session is held by a controller (`kind`: a CDP client, a live viewer in control): a change
    /// to it is refused until the holder is done, at the latest in `retryAfterMs`.
    case sessionHeld(kind: ControlKind, retryAfterMs: Int)
    /// A hand-off resource is used up (`reason` says which and its limit); try again after `retryAfterMs`.
    case handoffUnavailable(reason: String, retryAfterMs: Int)
    /// The call's session lives on another node (its warm context or profile browser), which is
    /// alive: the call is to be served there. Not a failure: the protocol layer forwards the call to
    /// `advertiseURL` (once: a forwarded call is never thrown this).
    case ownedElsewhere(nodeID: String, advertiseURL: String)
}
