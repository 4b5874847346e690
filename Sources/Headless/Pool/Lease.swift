public import Egress
public import RenderTypes

/// What a lease may ask of its context.
public struct LeaseOptions: Sendable, Hashable {
    /// A proxy for this lease's context only (never prewarmed: such a lease always gets a fresh
    /// context). Chromium takes no proxy credentials at context creation: a page driver must answer
    /// `Fetch.authRequired` with `username`/`password`.
    public var proxy: ProxyConfig?

    public init(proxy: ProxyConfig? = nil) {
        self.proxy = proxy
    }
}

/// One isolated browser context with one page, attached and `Page.enable`d, for the duration of a
/// `withLease` body. It is disposed afterwards and never handed to another caller.
public struct Lease: Sendable {
    /// The context's one page.
    public let page: CDPSession
    public let browserContextId: String
    /// The browser's own user agent, as it reported at launch.
    public let browserUserAgent: String
    /// Which browser (for logs/stats).
    public let browser: BrowserID
    public let options: LeaseOptions
    /// True when a prewarmed context was handed out (a hot lease), false when one was created for it.
    public let wasPrewarmed: Bool
    /// Time spent waiting in the queue for a free slot.
    public let queueDuration: Duration
    /// Time from the `withLease` call until the body started (queue + context creation).
    public let acquireDuration: Duration
    /// The context's way out (its egress proxy gate): what it refused or failed to connect. nil when
    /// the pool runs without an egress policy.
    public let egress: EgressGate?

    /// The browser-level connection (e.g. `Storage.getCookies` with `browserContextId`).
    public var connection: CDPConnection { page.connection }
}
