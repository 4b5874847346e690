/// What a render returns (SPEC `DynamicRenderResult`).
public struct DynamicRenderResult: Sendable, Hashable {
    /// Serialized DOM after waits and actions; `nil` when `capture.html` is false.
    public var html: String?
    public var finalUrl: String
    /// HTTP status of the main document's last response; `nil` for `about:blank`.
    public var statusCode: Int?
    public var title: String
    /// Wall time of the whole call, queue included.
    public var renderTimeMs: Double
    public var timings: StageTimings
    public var actionsExecuted: [ActionOutcome]
    /// The wait conditions that were satisfied, in the order they were met (summaries).
    public var waitConditionsMet: [String]
    public var artifacts: Artifacts
    public var sessionId: String?
    /// How many cookies of the session changed (added, modified or removed) during the render.
    public var cookiesUpdated: Int
    /// Non-fatal problems: failed optional actions, ignored redirects, truncated logs…
    public var warnings: [String]
    /// The JavaScript dialogs the page opened and how each was answered, in order (at most
    /// `RenderLimits.maxReportedDialogs`; `warnings` counts the rest).
    public var dialogs: [DialogEntry]
    /// URLs of the windows the page opened (`window.open`, `target=_blank`); each was closed at once.
    public var popups: [String]
    /// For a render without a session: whether its context was fresh or recycled from an earlier
    /// render of the same origin (`config.isolation`); nil for a session's or a profile's render.
    public var context: RenderIsolation?
    /// The downloads the page started.
    public var downloads: [DownloadEntry]
    /// What the render spent (browser time, bytes, `renders: 1`); nil from a server without metering.
    public var usage: UsageFigures?
    /// The tenant's preset the render applied (its `preset` param); nil when none was named.
    public var preset: String?

    public init(
        html: String? = nil, finalUrl: String, statusCode: Int? = nil, title: String = "", renderTimeMs: Double = 0,
        timings: StageTimings = StageTimings(), actionsExecuted: [ActionOutcome] = [], waitConditionsMet: [String] = [],
        artifacts: Artifacts = Artifacts(), sessionId: String? = nil, cookiesUpdated: Int = 0, warnings: [String] = [],
        dialogs: [DialogEntry] = [], popups: [String] = [], downloads: [DownloadEntry] = []
    ) {
        self.html = html
        self.finalUrl = finalUrl
        self.statusCode = statusCode
        self.title = title
        self.renderTimeMs = renderTimeMs
        self.timings = timings
        self.actionsExecuted = actionsExecuted
        self.waitConditionsMet = waitConditionsMet
        self.artifacts = artifacts
        self.sessionId = sessionId
        self.cookiesUpdated = cookiesUpdated
        self.warnings = warnings
        self.dialogs = dialogs
        self.popups = popups
        self.downloads = downloads
    }
}

extension DynamicRenderResult: Codable {
    enum CodingKeys: String, CodingKey {
        case html, title, timings, artifacts, warnings, dialogs, popups, downloads, context, usage, preset
        case finalUrl = "final_url"
        case statusCode = "status_code"
        case renderTimeMs = "render_time_ms"
        case actionsExecuted = "actions_executed"
        case waitConditionsMet = "wait_conditions_met"
        case sessionId = "session_id"
        case cookiesUpdated = "cookies_updated"
    }

    /// Decodes a result; `dialogs`, `popups` and `downloads` may be absent (a server from before they
    /// existed), and are then empty.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        html = try c.decodeIfPresent(String.self, forKey: .html)
        finalUrl = try c.decode(String.self, forKey: .finalUrl)
        statusCode = try c.decodeIfPresent(Int.self, forKey: .statusCode)
        title = try c.decode(String.self, forKey: .title)
        renderTimeMs = try c.decode(Double.self, forKey: .renderTimeMs)
        timings = try c.decode(StageTimings.self, forKey: .timings)
        actionsExecuted = try c.decode([ActionOutcome].self, forKey: .actionsExecuted)
        waitConditionsMet = try c.decode([String].self, forKey: .waitConditionsMet)
        artifacts = try c.decode(Artifacts.self, forKey: .artifacts)
        sessionId = try c.decodeIfPresent(String.self, forKey: .sessionId)
        cookiesUpdated = try c.decode(Int.self, forKey: .cookiesUpdated)
        warnings = try c.decode([String].self, forKey: .warnings)
        dialogs = try c.decodeIfPresent([DialogEntry].self, forKey: .dialogs) ?? []
        popups = try c.decodeIfPresent([String].self, forKey: .popups) ?? []
        downloads = try c.decodeIfPresent([DownloadEntry].self, forKey: .downloads) ?? []
        context = try c.decodeIfPresent(RenderIsolation.self, forKey: .context)
        usage = try c.decodeIfPresent(UsageFigures.self, forKey: .usage)
        preset = try c.decodeIfPresent(String.self, forKey: .preset)
    }
}

/// Milliseconds spent in each stage of a render.
public struct StageTimings: Sendable, Hashable, Codable {
    /// Waiting for a browser context.
    public var queueMs: Double
    /// Preparing the leased context: overrides, stealth, cookies and storage restored.
    public var leaseMs: Double
    public var navigationMs: Double
    public var waitMs: Double
    public var actionsMs: Double
    public var captureMs: Double

    public init(
        queueMs: Double = 0, leaseMs: Double = 0, navigationMs: Double = 0, waitMs: Double = 0,
        actionsMs: Double = 0, captureMs: Double = 0
    ) {
        self.queueMs = queueMs
        self.leaseMs = leaseMs
        self.navigationMs = navigationMs
        self.waitMs = waitMs
        self.actionsMs = actionsMs
        self.captureMs = captureMs
    }

    enum CodingKeys: String, CodingKey {
        case queueMs = "queue_ms"
        case leaseMs = "lease_ms"
        case navigationMs = "navigation_ms"
        case waitMs = "wait_ms"
        case actionsMs = "actions_ms"
        case captureMs = "capture_ms"
    }
}

/// What happened to one action.
public struct ActionOutcome: Sendable, Hashable, Codable {
    public var index: Int
    /// The action's wire type (`click`, `evaluate`, …).
    public var type: String
    public var ok: Bool
    public var ms: Double
    /// `evaluate`'s value, `screenshot`'s base64 image, `set_cookies`' count.
    public var result: JSONValue?
    public var error: String?

    public init(index: Int, type: String, ok: Bool, ms: Double, result: JSONValue? = nil, error: String? = nil) {
        self.index = index
        self.type = type
        self.ok = ok
        self.ms = ms
        self.result = result
        self.error = error
    }
}

/// Optional captures of a render.
public struct Artifacts: Sendable, Hashable, Codable {
    /// Base64 PNG or JPEG.
    public var screenshot: String?
    /// Base64 PDF.
    public var pdf: String?
    public var mhtml: String?
    public var metadata: PageMetadata?
    public var timing: PageTiming?
    public var console: [ConsoleEntry]?
    public var network: [NetworkEntry]?

    public init(
        screenshot: String? = nil, pdf: String? = nil, mhtml: String? = nil, metadata: PageMetadata? = nil,
        timing: PageTiming? = nil, console: [ConsoleEntry]? = nil, network: [NetworkEntry]? = nil
    ) {
        self.screenshot = screenshot
        self.pdf = pdf
        self.mhtml = mhtml
        self.metadata = metadata
        self.timing = timing
        self.console = console
        self.network = network
    }
}

/// Document metadata: what a link preview or a search engine reads.
public struct PageMetadata: Sendable, Hashable, Codable {
    public var title: String?
    public var description: String?
    public var canonicalUrl: String?
    /// `og:*` properties without the prefix (`title`, `image`, …).
    public var openGraph: [String: String]
    /// `twitter:*` names without the prefix.
    public var twitter: [String: String]
    /// Every parseable `application/ld+json` block.
    public var jsonLd: [JSONValue]

    public init(
        title: String? = nil, description: String? = nil, canonicalUrl: String? = nil,
        openGraph: [String: String] = [:], twitter: [String: String] = [:], jsonLd: [JSONValue] = []
    ) {
        self.title = title
        self.description = description
        self.canonicalUrl = canonicalUrl
        self.openGraph = openGraph
        self.twitter = twitter
        self.jsonLd = jsonLd
    }

    enum CodingKeys: String, CodingKey {
        case title, description, twitter
        case canonicalUrl = "canonical_url"
        case openGraph = "open_graph"
        case jsonLd = "json_ld"
    }
}

/// Navigation timing of the main document, milliseconds from navigation start.
public struct PageTiming: Sendable, Hashable, Codable {
    public var ttfbMs: Double?
    public var domContentLoadedMs: Double?
    public var loadMs: Double?
    public var firstContentfulPaintMs: Double?

    public init(
        ttfbMs: Double? = nil, domContentLoadedMs: Double? = nil, loadMs: Double? = nil,
        firstContentfulPaintMs: Double? = nil
    ) {
        self.ttfbMs = ttfbMs
        self.domContentLoadedMs = domContentLoadedMs
        self.loadMs = loadMs
        self.firstContentfulPaintMs = firstContentfulPaintMs
    }

    enum CodingKeys: String, CodingKey {
        case ttfbMs = "ttfb_ms"
        case domContentLoadedMs = "dom_content_loaded_ms"
        case loadMs = "load_ms"
        case firstContentfulPaintMs = "first_contentful_paint_ms"
    }
}

/// One console message.
public struct ConsoleEntry: Sendable, Hashable, Codable {
    /// `log`, `info`, `warning`, `error`, `debug`, …
    public var level: String
    public var text: String
    /// Unix milliseconds.
    public var timestamp: Double

    public init(level: String, text: String, timestamp: Double) {
        self.level = level
        self.text = text
        self.timestamp = timestamp
    }
}

/// One network request of the page.
public struct NetworkEntry: Sendable, Hashable, Codable {
    public var url: String
    public var method: String
    /// `nil` when the request failed or was blocked.
    public var status: Int?
    /// CDP resource type (`Document`, `Image`, `XHR`, …).
    public var resourceType: String
    /// Encoded bytes received.
    public var bytes: Int
    public var ms: Double
    /// The net error or `blocked` when the request did not complete.
    public var error: String?

    public init(
        url: String, method: String, status: Int? = nil, resourceType: String, bytes: Int = 0, ms: Double = 0,
        error: String? = nil
    ) {
        self.url = url
        self.method = method
        self.status = status
        self.resourceType = resourceType
        self.bytes = bytes
        self.ms = ms
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case url, method, status, bytes, ms, error
        case resourceType = "resource_type"
    }
}
