public import RenderTypes

/// What a finished request leaves in its session (`RpcSessionStore.completeRequest(_:_:)`): written
/// back in one atomic update, so the counters, the timing and the browser state never disagree.
public struct RequestOutcome: Sendable, Hashable {
    /// The URL the request ended on.
    public var url: String?
    /// Render time in milliseconds; nil when the request failed before a render was timed.
    public var renderTimeMs: Double?
    /// The failure, if the request failed: counted and kept as `last_error`.
    public var error: String?
    /// The browser context's cookie jar after the request; replaces the session's jar (with
    /// `cookiesBefore`: only the request's own changes are applied). Nil keeps it.
    public var cookies: [Cookie]?
    /// The jar the request started from. With it, the write-back applies only what the request
    /// changed to the jar as stored then, so a cookie written by a `cookies.*` call during the
    /// request is kept (`RpcSessionContext.applyCookieChanges`).
    public var cookiesBefore: [Cookie]?
    /// localStorage of the origins the request touched; each replaces that origin's items, other
    /// origins are kept. Nil keeps all.
    public var localStorage: [String: [String: String]]?

    public init(
        url: String? = nil, renderTimeMs: Double? = nil, error: String? = nil, cookies: [Cookie]? = nil,
        cookiesBefore: [Cookie]? = nil, localStorage: [String: [String: String]]? = nil
    ) {
        self.url = url
        self.renderTimeMs = renderTimeMs
        self.error = error
        self.cookies = cookies
        self.cookiesBefore = cookiesBefore
        self.localStorage = localStorage
    }
}
