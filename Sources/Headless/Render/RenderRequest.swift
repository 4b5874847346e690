public import RenderTypes

/// Cookies and localStorage a render starts from and ends with (a session's browser state).
public struct BrowserState: Sendable, Hashable {
    public var cookies: [Cookie]
    /// Origin → key → value.
    public var localStorage: LocalStorageContents

    public init(cookies: [Cookie] = [], localStorage: LocalStorageContents = [:]) {
        self.cookies = cookies
        self.localStorage = localStorage
    }
}

/// One render call: what to load and how, when the call arrived (the deadline counts from there, queue
/// included), and optionally the browser state to start from.
public struct RenderRequest: Sendable {
    public var url: String
    public var config: DynamicConfig
    public var stealth: StealthConfig
    public var priority: RenderPriority
    /// When the call arrived; `config.timeout_ms` counts from here.
    public var receivedAt: ContinuousClock.Instant
    /// Fixes every random stealth choice (use the session id); nil draws a seed per render.
    public var stealthSeed: String?
    /// Cookies and localStorage put into the fresh context before navigation.
    public var state: BrowserState?
    /// Read the context's cookies and localStorage back after the render (for a session).
    public var collectState: Bool
    /// Where the render records what it spends (browser time, bytes); nil: not metered.
    public var meter: RenderMeter?

    public init(
        url: String, config: DynamicConfig = DynamicConfig(), stealth: StealthConfig = .default,
        priority: RenderPriority = .normal, receivedAt: ContinuousClock.Instant = .now, stealthSeed: String? = nil,
        state: BrowserState? = nil, collectState: Bool = false
    ) {
        self.url = url
        self.config = config
        self.stealth = stealth
        self.priority = priority
        self.receivedAt = receivedAt
        self.stealthSeed = stealthSeed
        self.state = state
        self.collectState = collectState
    }
}

/// A finished render: the wire result, and the browser state afterwards when it was asked for.
public struct RenderOutcome: Sendable {
    public var result: DynamicRenderResult
    /// Cookies of the context, and localStorage of every origin the page showed (empty dictionaries
    /// for origins it cleared); nil unless `collectState`. Origins not listed were not visited.
    public var state: BrowserState?
}
