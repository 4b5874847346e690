import Foundation

/// Everything a render may ask of the page (SPEC `DynamicConfig`). Every field is optional on the
/// wire; every field a caller sends is honoured or rejected, none is dropped.
public struct DynamicConfig: Sendable, Hashable {
    /// What to wait for after navigation; `nil` is `{"type":"load"}`.
    public var waitFor: WaitCondition?
    public var scroll: ScrollConfig?
    /// Run in order after the wait (and scroll).
    public var actions: [PageAction]
    /// `nil` means `CaptureConfig()` (html, metadata and timing).
    public var capture: CaptureConfig?
    /// Deadline of the whole call, queue time included.
    public var timeoutMs: Int?
    public var viewport: Viewport?
    public var blockResources: [ResourceType]
    /// URL patterns to block, `*` matches any run of characters.
    public var blockUrls: [String]
    /// Extra HTTP headers sent with every request of the page.
    public var headers: [String: String]
    public var javascriptEnabled: Bool?
    public var userAgent: String?
    public var proxy: ProxyConfig?
    /// How the page's JavaScript dialogs are answered; `nil` is `.dismiss`.
    public var dialogs: DialogPolicy?
    /// Whether a render without a session may run in a context recycled from an earlier render of
    /// the same origin (`.recycled`, the default) or must have a fresh one.
    public var isolation: RenderIsolation?

    public init(
        waitFor: WaitCondition? = nil, scroll: ScrollConfig? = nil, actions: [PageAction] = [],
        capture: CaptureConfig? = nil, timeoutMs: Int? = nil, viewport: Viewport? = nil,
        blockResources: [ResourceType] = [], blockUrls: [String] = [], headers: [String: String] = [:],
        javascriptEnabled: Bool? = nil, userAgent: String? = nil, proxy: ProxyConfig? = nil,
        dialogs: DialogPolicy? = nil, isolation: RenderIsolation? = nil
    ) {
        self.waitFor = waitFor
        self.scroll = scroll
        self.actions = actions
        self.capture = capture
        self.timeoutMs = timeoutMs
        self.viewport = viewport
        self.blockResources = blockResources
        self.blockUrls = blockUrls
        self.headers = headers
        self.javascriptEnabled = javascriptEnabled
        self.userAgent = userAgent
        self.proxy = proxy
        self.dialogs = dialogs
        self.isolation = isolation
    }

    /// The wait that applies: the configured one or `load`.
    public var effectiveWait: WaitCondition { waitFor ?? .load }
    /// The capture that applies: the configured one or the defaults.
    public var effectiveCapture: CaptureConfig { capture ?? CaptureConfig() }
    /// The deadline that applies, in milliseconds.
    public var effectiveTimeoutMs: Int { timeoutMs ?? RenderLimits.defaultTimeoutMs }
    public var effectiveViewport: Viewport { viewport ?? .default }
    public var effectiveJavascriptEnabled: Bool { javascriptEnabled ?? true }
    public var effectiveDialogs: DialogPolicy { dialogs ?? .default }
    public var effectiveIsolation: RenderIsolation { isolation ?? .recycled }

    /// Header names a caller may not set: the browser owns them.
    public static let forbiddenHeaders: Set<String> = [
        "host", "content-length", "connection", "transfer-encoding", "upgrade", "te", "trailer",
        "keep-alive", "proxy-authorization", "proxy-connection",
    ]
}

extension DynamicConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case scroll, actions, capture, viewport, headers, proxy, dialogs, isolation
        case waitFor = "wait_for"
        case timeoutMs = "timeout_ms"
        case blockResources = "block_resources"
        case blockUrls = "block_urls"
        case javascriptEnabled = "javascript_enabled"
        case userAgent = "user_agent"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        waitFor = try c.decodeIfPresent(WaitCondition.self, forKey: .waitFor)
        scroll = try c.decodeIfPresent(ScrollConfig.self, forKey: .scroll)
        actions = try c.decodeIfPresent([PageAction].self, forKey: .actions) ?? []
        try c.require(actions.count <= RenderLimits.maxActions, .actions,
                      "must hold at most \(RenderLimits.maxActions) actions")
        capture = try c.decodeIfPresent(CaptureConfig.self, forKey: .capture)
        timeoutMs = try c.decodeIfPresent(Int.self, forKey: .timeoutMs, in: 1...RenderLimits.maxTimeoutMs)
        viewport = try c.decodeIfPresent(Viewport.self, forKey: .viewport)
        blockResources = try c.decodeIfPresent([ResourceType].self, forKey: .blockResources) ?? []
        blockUrls = try c.decodeIfPresent([String].self, forKey: .blockUrls) ?? []
        try c.require(blockUrls.count <= RenderLimits.maxBlockURLPatterns, .blockUrls,
                      "must hold at most \(RenderLimits.maxBlockURLPatterns) patterns")
        try c.require(blockUrls.allSatisfy { !$0.isEmpty && $0.count <= 2048 }, .blockUrls,
                      "patterns must be 1 to 2048 characters long")
        headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        try c.require(headers.count <= RenderLimits.maxHeaders, .headers,
                      "must hold at most \(RenderLimits.maxHeaders) headers")
        for (name, value) in headers {
            try c.require(Self.isHeaderToken(name), .headers, "header name \"\(name)\" is not a valid HTTP token")
            try c.require(!Self.forbiddenHeaders.contains(name.lowercased()), .headers,
                          "header \"\(name)\" is set by the browser and cannot be overridden")
            try c.require(value.count <= RenderLimits.maxHeaderValueLength && !value.contains(where: \.isNewline),
                          .headers, "header \"\(name)\" has a value with line breaks or over \(RenderLimits.maxHeaderValueLength) characters")
        }
        javascriptEnabled = try c.decodeIfPresent(Bool.self, forKey: .javascriptEnabled)
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent, length: 1...1024)
        proxy = try c.decodeIfPresent(ProxyConfig.self, forKey: .proxy)
        dialogs = try c.decodeIfPresent(DialogPolicy.self, forKey: .dialogs)
        isolation = try c.decodeIfPresent(RenderIsolation.self, forKey: .isolation)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(waitFor, forKey: .waitFor)
        try c.encodeIfPresent(scroll, forKey: .scroll)
        if !actions.isEmpty { try c.encode(actions, forKey: .actions) }
        try c.encodeIfPresent(capture, forKey: .capture)
        try c.encodeIfPresent(timeoutMs, forKey: .timeoutMs)
        try c.encodeIfPresent(viewport, forKey: .viewport)
        if !blockResources.isEmpty { try c.encode(blockResources, forKey: .blockResources) }
        if !blockUrls.isEmpty { try c.encode(blockUrls, forKey: .blockUrls) }
        if !headers.isEmpty { try c.encode(headers, forKey: .headers) }
        try c.encodeIfPresent(javascriptEnabled, forKey: .javascriptEnabled)
        try c.encodeIfPresent(userAgent, forKey: .userAgent)
        try c.encodeIfPresent(proxy, forKey: .proxy)
        try c.encodeIfPresent(dialogs, forKey: .dialogs)
        try c.encodeIfPresent(isolation, forKey: .isolation)
    }

    /// RFC 9110 token characters.
    static func isHeaderToken(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { s in
            s.isASCII && (CharacterSet.alphanumerics.contains(s) || "!#$%&'*+-.^_`|~".unicodeScalars.contains(s))
        }
    }
}
