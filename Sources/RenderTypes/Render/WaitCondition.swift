/// What the page must reach before actions run and capture happens (SPEC `WaitCondition`).
/// Wire form: `{"type": "selector", "selector": "#app", "visible": true, "timeout_ms": 5000}`.
public struct WaitCondition: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        /// The `load` event of the main document (the default).
        case load
        /// `DOMContentLoaded` of the main document.
        case domContentLoaded
        /// No network request in flight for `idleMs` milliseconds.
        case networkIdle(idleMs: Int)
        /// An element matches `selector` (and, with `visible`, has a box and is not hidden).
        case selector(String, visible: Bool)
        /// A JavaScript expression evaluates truthy.
        case javascript(String)
        /// A fixed pause.
        case delay(ms: Int)
        /// The page (or one of its popups) has opened at least `count` windows since the render began.
        case popup(count: Int)
        /// At least `count` downloads of the page have begun since the render began.
        case download(count: Int)
        /// Every condition holds.
        case all([WaitCondition])
        /// The first condition to hold.
        case any([WaitCondition])
    }

    public var kind: Kind
    /// This condition's own limit; the render's deadline bounds it too.
    public var timeoutMs: Int?

    public init(_ kind: Kind, timeoutMs: Int? = nil) {
        self.kind = kind
        self.timeoutMs = timeoutMs
    }

    public static let load = WaitCondition(.load)
    public static let domContentLoaded = WaitCondition(.domContentLoaded)
    public static func networkIdle(idleMs: Int = 500, timeoutMs: Int? = nil) -> Self {
        Self(.networkIdle(idleMs: idleMs), timeoutMs: timeoutMs)
    }
    public static func selector(_ selector: String, visible: Bool = false, timeoutMs: Int? = nil) -> Self {
        Self(.selector(selector, visible: visible), timeoutMs: timeoutMs)
    }
    public static func javascript(_ expression: String, timeoutMs: Int? = nil) -> Self {
        Self(.javascript(expression), timeoutMs: timeoutMs)
    }
    public static func delay(ms: Int) -> Self { Self(.delay(ms: ms)) }
    public static func popup(count: Int = 1, timeoutMs: Int? = nil) -> Self { Self(.popup(count: count), timeoutMs: timeoutMs) }
    public static func download(count: Int = 1, timeoutMs: Int? = nil) -> Self {
        Self(.download(count: count), timeoutMs: timeoutMs)
    }
    public static func all(_ conditions: [WaitCondition], timeoutMs: Int? = nil) -> Self {
        Self(.all(conditions), timeoutMs: timeoutMs)
    }
    public static func any(_ conditions: [WaitCondition], timeoutMs: Int? = nil) -> Self {
        Self(.any(conditions), timeoutMs: timeoutMs)
    }

    /// The wire name of the kind (`"network_idle"`, …).
    public var typeName: String {
        switch kind {
        case .load: "load"
        case .domContentLoaded: "dom_content_loaded"
        case .networkIdle: "network_idle"
        case .selector: "selector"
        case .javascript: "javascript"
        case .delay: "delay"
        case .popup: "popup"
        case .download: "download"
        case .all: "all"
        case .any: "any"
        }
    }

    /// A short human description, used in `wait_conditions_met` and errors.
    public var summary: String {
        switch kind {
        case .load, .domContentLoaded: typeName
        case .networkIdle(let idle): "network_idle(\(idle)ms)"
        case .selector(let s, let visible): visible ? "selector(\(s), visible)" : "selector(\(s))"
        case .javascript(let e): "javascript(\(e.prefix(60)))"
        case .delay(let ms): "delay(\(ms)ms)"
        case .popup(let count): count == 1 ? "popup" : "popup(\(count))"
        case .download(let count): count == 1 ? "download" : "download(\(count))"
        case .all(let c): "all(\(c.map(\.summary).joined(separator: ", ")))"
        case .any(let c): "any(\(c.map(\.summary).joined(separator: ", ")))"
        }
    }

    /// Depth of `all`/`any` nesting (a leaf is 1).
    public var depth: Int {
        switch kind {
        case .all(let c), .any(let c): 1 + (c.map(\.depth).max() ?? 0)
        default: 1
        }
    }
}

extension WaitCondition: Codable {
    enum CodingKeys: String, CodingKey {
        case type
        case timeoutMs = "timeout_ms"
        case idleMs = "idle_ms"
        case selector, visible, expression, ms, conditions, count
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        timeoutMs = try c.decodeIfPresent(Int.self, forKey: .timeoutMs, in: 1...RenderLimits.maxTimeoutMs)
        switch type {
        case "load": kind = .load
        case "dom_content_loaded": kind = .domContentLoaded
        case "network_idle":
            kind = .networkIdle(idleMs: try c.decodeIfPresent(Int.self, forKey: .idleMs, in: 0...60_000) ?? 500)
        case "selector":
            let selector = try c.decode(String.self, forKey: .selector)
            try c.require(!selector.isEmpty && selector.count <= RenderLimits.maxSelectorLength, .selector,
                          "must be a CSS selector of 1 to \(RenderLimits.maxSelectorLength) characters")
            kind = .selector(selector, visible: try c.decodeIfPresent(Bool.self, forKey: .visible) ?? false)
        case "javascript":
            let expression = try c.decode(String.self, forKey: .expression)
            try c.require(!expression.isEmpty && expression.count <= RenderLimits.maxScriptLength, .expression,
                          "must be a JavaScript expression of 1 to \(RenderLimits.maxScriptLength) characters")
            kind = .javascript(expression)
        case "delay":
            kind = .delay(ms: try c.decode(Int.self, forKey: .ms, in: 0...RenderLimits.maxTimeoutMs))
        case "popup":
            kind = .popup(count: try c.decodeIfPresent(Int.self, forKey: .count, in: 1...RenderLimits.maxReportedPopups) ?? 1)
        case "download":
            kind = .download(count: try c.decodeIfPresent(Int.self, forKey: .count, in: 1...RenderLimits.maxReportedDownloads) ?? 1)
        case "all", "any":
            let conditions = try c.decode([WaitCondition].self, forKey: .conditions)
            try c.require((1...RenderLimits.maxConditions).contains(conditions.count), .conditions,
                          "must hold 1 to \(RenderLimits.maxConditions) conditions")
            kind = type == "all" ? .all(conditions) : .any(conditions)
            try c.require(depth <= RenderLimits.maxConditionDepth, .conditions,
                          "nests deeper than \(RenderLimits.maxConditionDepth) levels")
        default:
            try c.require(false, .type,
                          "must be one of load, dom_content_loaded, network_idle, selector, javascript, delay, popup, download, all, any")
            kind = .load
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        try c.encodeIfPresent(timeoutMs, forKey: .timeoutMs)
        switch kind {
        case .load, .domContentLoaded: break
        case .networkIdle(let idleMs): try c.encode(idleMs, forKey: .idleMs)
        case .selector(let selector, let visible):
            try c.encode(selector, forKey: .selector)
            try c.encode(visible, forKey: .visible)
        case .javascript(let expression): try c.encode(expression, forKey: .expression)
        case .delay(let ms): try c.encode(ms, forKey: .ms)
        case .popup(let count), .download(let count): try c.encode(count, forKey: .count)
        case .all(let conditions), .any(let conditions): try c.encode(conditions, forKey: .conditions)
        }
    }
}
