public import RenderTypes

/// A tenant's limits (the tenants file's `limits` object); nil fields are unlimited.
///
/// - `concurrent_renders`: renders of the tenant running at once (a rate/concurrency limit, -32006).
/// - `renders_per_minute`: renders started in the current UTC minute (-32006, retry when it ends).
/// - `renders_per_day`, `browser_seconds_per_day`, `bytes_per_day` (in + out): budgets of the
///   current UTC day (-32007 with `resets_at`).
/// - `max_sessions`: sessions of the tenant stored at once (-32007, scope `max_sessions`).
public struct TenantLimits: Sendable, Hashable {
    public var concurrentRenders: Int?
    public var rendersPerMinute: Int?
    public var rendersPerDay: Int?
    public var browserSecondsPerDay: Int?
    public var bytesPerDay: Int?
    public var maxSessions: Int?

    public init(
        concurrentRenders: Int? = nil, rendersPerMinute: Int? = nil, rendersPerDay: Int? = nil,
        browserSecondsPerDay: Int? = nil, bytesPerDay: Int? = nil, maxSessions: Int? = nil
    ) {
        self.concurrentRenders = concurrentRenders
        self.rendersPerMinute = rendersPerMinute
        self.rendersPerDay = rendersPerDay
        self.browserSecondsPerDay = browserSecondsPerDay
        self.bytesPerDay = bytesPerDay
        self.maxSessions = maxSessions
    }

    /// No limit at all.
    public static let none = TenantLimits()

    /// The names of the limits, as the tenants file spells them.
    public static let names = [
        "concurrent_renders", "renders_per_minute", "renders_per_day", "browser_seconds_per_day", "bytes_per_day",
        "max_sessions",
    ]

    /// Whether any limit is set.
    public var isUnlimited: Bool { self == .none }

    /// Reads a `limits` object strictly: every member one of `names`, each a whole number ≥ 0 (0
    /// refuses everything of its kind). Throws `(field, reason)` for the first member at fault.
    public static func parse(_ object: [String: JSONValue]) throws(LimitsError) -> TenantLimits {
        var limits = TenantLimits()
        for name in object.keys.sorted() {
            guard names.contains(name) else {
                throw LimitsError(field: name, reason: "unknown limit (limits are \(names.joined(separator: ", ")))")
            }
            let value: Int
            switch object[name] {
            case .int(let number)?: value = number
            case .double(let number)? where number.rounded() == number && abs(number) < 9e15: value = Int(number)
            default: throw LimitsError(field: name, reason: "must be a whole number")
            }
            guard value >= 0 else { throw LimitsError(field: name, reason: "must be 0 or more") }
            switch name {
            case "concurrent_renders": limits.concurrentRenders = value
            case "renders_per_minute": limits.rendersPerMinute = value
            case "renders_per_day": limits.rendersPerDay = value
            case "browser_seconds_per_day": limits.browserSecondsPerDay = value
            case "bytes_per_day": limits.bytesPerDay = value
            default: limits.maxSessions = value
            }
        }
        return limits
    }

    /// What is wrong with a `limits` object: the member at fault.
    public struct LimitsError: Error, Sendable, Hashable {
        public var field: String
        public var reason: String
    }
}
