/// How to scroll the page (SPEC `scroll`): a fixed number of steps, or to the bottom.
/// Wire form: `{"steps": 5, "step_px": 800, "delay_ms": 100}` or `{"to_bottom": true, "max_steps": 50}`.
public struct ScrollConfig: Sendable, Hashable {
    public enum Mode: Sendable, Hashable {
        /// Exactly `count` steps (fewer if `stopCondition` turns true).
        case steps(Int)
        /// Until the page stops growing, at most `maxSteps` steps.
        case toBottom(maxSteps: Int)
    }

    public var mode: Mode
    /// Pixels per step; `nil` means one viewport height.
    public var stepPx: Int?
    /// Pause after each step, so lazy content can load.
    public var delayMs: Int
    /// A JavaScript expression; scrolling stops as soon as it is truthy.
    public var stopCondition: String?
    /// JavaScript run once after the last step.
    public var afterScrollJs: String?

    public static let defaultDelayMs = 100
    public static let defaultMaxSteps = 50

    public init(
        mode: Mode, stepPx: Int? = nil, delayMs: Int = ScrollConfig.defaultDelayMs,
        stopCondition: String? = nil, afterScrollJs: String? = nil
    ) {
        self.mode = mode
        self.stepPx = stepPx
        self.delayMs = delayMs
        self.stopCondition = stopCondition
        self.afterScrollJs = afterScrollJs
    }
}

extension ScrollConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case steps
        case stepPx = "step_px"
        case delayMs = "delay_ms"
        case toBottom = "to_bottom"
        case maxSteps = "max_steps"
        case stopCondition = "stop_condition"
        case afterScrollJs = "after_scroll_js"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let steps = try c.decodeIfPresent(Int.self, forKey: .steps, in: 1...RenderLimits.maxScrollSteps)
        let toBottom = try c.decodeIfPresent(Bool.self, forKey: .toBottom) ?? false
        let maxSteps = try c.decodeIfPresent(Int.self, forKey: .maxSteps, in: 1...RenderLimits.maxScrollSteps)
        if let steps {
            try c.require(!toBottom, .toBottom, "cannot be combined with steps")
            try c.require(maxSteps == nil, .maxSteps, "applies only with to_bottom")
            mode = .steps(steps)
        } else {
            try c.require(toBottom, .steps, "set steps, or to_bottom: true")
            mode = .toBottom(maxSteps: maxSteps ?? Self.defaultMaxSteps)
        }
        stepPx = try c.decodeIfPresent(Int.self, forKey: .stepPx, in: 1...100_000)
        delayMs = try c.decodeIfPresent(Int.self, forKey: .delayMs, in: 0...10_000) ?? Self.defaultDelayMs
        stopCondition = try c.decodeIfPresent(String.self, forKey: .stopCondition, length: 1...RenderLimits.maxScriptLength)
        afterScrollJs = try c.decodeIfPresent(String.self, forKey: .afterScrollJs, length: 1...RenderLimits.maxScriptLength)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch mode {
        case .steps(let n): try c.encode(n, forKey: .steps)
        case .toBottom(let maxSteps):
            try c.encode(true, forKey: .toBottom)
            try c.encode(maxSteps, forKey: .maxSteps)
        }
        try c.encodeIfPresent(stepPx, forKey: .stepPx)
        try c.encode(delayMs, forKey: .delayMs)
        try c.encodeIfPresent(stopCondition, forKey: .stopCondition)
        try c.encodeIfPresent(afterScrollJs, forKey: .afterScrollJs)
    }
}
