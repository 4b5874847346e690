/// One step of a scripted interaction, run in order after the wait (SPEC `actions`).
/// Wire form: `{"type": "click", "selector": "#submit", "wait_after_ms": 200, "optional": false}`.
public struct PageAction: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        /// Real mouse press and release at the centre of the element's box.
        case click(selector: String)
        /// Focus the element and type `text` with real key events.
        case type(selector: String, text: String, clearFirst: Bool)
        /// One key press (`Enter`, `Tab`, `ArrowDown`, `a`, …).
        case press(key: String)
        /// Choose the `<option>` with `value` in a `<select>`, firing input and change.
        case select(selector: String, value: String)
        /// Move the mouse over the centre of the element's box.
        case hover(selector: String)
        /// Evaluate JavaScript (promises awaited); its JSON value is the action's result.
        case evaluate(expression: String)
        /// Wait for a condition.
        case wait(WaitCondition)
        /// Scroll the page.
        case scroll(ScrollConfig)
        /// A screenshot; the PNG (base64) is the action's result.
        case screenshot(fullPage: Bool)
        /// Load another URL in the same page (the URL policy applies).
        case navigate(url: String, waitFor: WaitCondition?)
        /// Put cookies into the page's browser context.
        case setCookies([Cookie])
    }

    public var kind: Kind
    /// Pause after the action succeeds.
    public var waitAfterMs: Int?
    /// A failing optional action is recorded in `actions_executed`, not fatal.
    public var optional: Bool

    public init(_ kind: Kind, waitAfterMs: Int? = nil, optional: Bool = false) {
        self.kind = kind
        self.waitAfterMs = waitAfterMs
        self.optional = optional
    }

    public static func click(_ selector: String) -> Self { Self(.click(selector: selector)) }
    public static func type(_ selector: String, _ text: String, clearFirst: Bool = false) -> Self {
        Self(.type(selector: selector, text: text, clearFirst: clearFirst))
    }
    public static func press(_ key: String) -> Self { Self(.press(key: key)) }
    public static func select(_ selector: String, value: String) -> Self { Self(.select(selector: selector, value: value)) }
    public static func hover(_ selector: String) -> Self { Self(.hover(selector: selector)) }
    public static func evaluate(_ expression: String) -> Self { Self(.evaluate(expression: expression)) }
    public static func wait(_ condition: WaitCondition) -> Self { Self(.wait(condition)) }
    public static func scroll(_ config: ScrollConfig) -> Self { Self(.scroll(config)) }
    public static func screenshot(fullPage: Bool = false) -> Self { Self(.screenshot(fullPage: fullPage)) }
    public static func navigate(_ url: String, waitFor: WaitCondition? = nil) -> Self {
        Self(.navigate(url: url, waitFor: waitFor))
    }
    public static func setCookies(_ cookies: [Cookie]) -> Self { Self(.setCookies(cookies)) }

    /// The wire name of the action (`"set_cookies"`, …).
    public var typeName: String {
        switch kind {
        case .click: "click"
        case .type: "type"
        case .press: "press"
        case .select: "select"
        case .hover: "hover"
        case .evaluate: "evaluate"
        case .wait: "wait"
        case .scroll: "scroll"
        case .screenshot: "screenshot"
        case .navigate: "navigate"
        case .setCookies: "set_cookies"
        }
    }

    /// Modifiers return a copy, so actions read naturally: `.click("#go").waitingAfter(ms: 200)`.
    public func waitingAfter(ms: Int) -> Self { var copy = self; copy.waitAfterMs = ms; return copy }
    public func optionalStep() -> Self { var copy = self; copy.optional = true; return copy }
}

extension PageAction: Codable {
    enum CodingKeys: String, CodingKey {
        case type, selector, text, key, value, expression, condition, url, cookies
        case clearFirst = "clear_first"
        case fullPage = "full_page"
        case waitFor = "wait_for"
        case waitAfterMs = "wait_after_ms"
        case optional
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        waitAfterMs = try c.decodeIfPresent(Int.self, forKey: .waitAfterMs, in: 0...RenderLimits.maxWaitAfterMs)
        optional = try c.decodeIfPresent(Bool.self, forKey: .optional) ?? false
        func selector() throws -> String {
            try c.decode(String.self, forKey: .selector, length: 1...RenderLimits.maxSelectorLength)
        }
        switch type {
        case "click": kind = .click(selector: try selector())
        case "type":
            kind = .type(
                selector: try selector(),
                text: try c.decode(String.self, forKey: .text, length: 0...RenderLimits.maxTextLength),
                clearFirst: try c.decodeIfPresent(Bool.self, forKey: .clearFirst) ?? false
            )
        case "press": kind = .press(key: try c.decode(String.self, forKey: .key, length: 1...32))
        case "select":
            kind = .select(
                selector: try selector(),
                value: try c.decode(String.self, forKey: .value, length: 0...RenderLimits.maxTextLength)
            )
        case "hover": kind = .hover(selector: try selector())
        case "evaluate":
            kind = .evaluate(
                expression: try c.decode(String.self, forKey: .expression, length: 1...RenderLimits.maxScriptLength)
            )
        case "wait": kind = .wait(try c.decode(WaitCondition.self, forKey: .condition))
        case "scroll": kind = .scroll(try ScrollConfig(from: decoder))
        case "screenshot": kind = .screenshot(fullPage: try c.decodeIfPresent(Bool.self, forKey: .fullPage) ?? false)
        case "navigate":
            kind = .navigate(
                url: try c.decode(String.self, forKey: .url, length: 1...RenderLimits.maxURLLength),
                waitFor: try c.decodeIfPresent(WaitCondition.self, forKey: .waitFor)
            )
        case "set_cookies":
            let cookies = try c.decode([Cookie].self, forKey: .cookies)
            try c.require(cookies.count <= RenderLimits.maxCookiesPerCall, .cookies,
                          "must hold at most \(RenderLimits.maxCookiesPerCall) cookies")
            kind = .setCookies(cookies)
        default:
            try c.require(false, .type,
                          "must be one of click, type, press, select, hover, evaluate, wait, scroll, screenshot, navigate, set_cookies")
            kind = .press(key: "")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        try c.encodeIfPresent(waitAfterMs, forKey: .waitAfterMs)
        if optional { try c.encode(true, forKey: .optional) }
        switch kind {
        case .click(let selector), .hover(let selector): try c.encode(selector, forKey: .selector)
        case .type(let selector, let text, let clearFirst):
            try c.encode(selector, forKey: .selector)
            try c.encode(text, forKey: .text)
            if clearFirst { try c.encode(true, forKey: .clearFirst) }
        case .press(let key): try c.encode(key, forKey: .key)
        case .select(let selector, let value):
            try c.encode(selector, forKey: .selector)
            try c.encode(value, forKey: .value)
        case .evaluate(let expression): try c.encode(expression, forKey: .expression)
        case .wait(let condition): try c.encode(condition, forKey: .condition)
        case .scroll(let scroll): try scroll.encode(to: encoder)
        case .screenshot(let fullPage): try c.encode(fullPage, forKey: .fullPage)
        case .navigate(let url, let waitFor):
            try c.encode(url, forKey: .url)
            try c.encodeIfPresent(waitFor, forKey: .waitFor)
        case .setCookies(let cookies): try c.encode(cookies, forKey: .cookies)
        }
    }
}
