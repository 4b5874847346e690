/// What `usage.get` answers: the caller's tenant's totals for the current UTC `period` (with its
/// `start` and `resetsAt`), or one session's totals since it was created (`sessionId`).
public struct UsageReport: Sendable, Hashable, Codable {
    /// The caller's tenant (`default` without a tenants file).
    public var tenant: String
    /// The period summed; nil for a session's totals.
    public var period: UsagePeriod?
    /// When the period began, RFC 3339 UTC; nil for a session's totals.
    public var start: String?
    /// When the period ends and its budgets start again, RFC 3339 UTC; nil for a session's totals.
    public var resetsAt: String?
    /// The session summed; nil for a period's totals.
    public var sessionId: String?
    /// What the renders counted spent.
    public var usage: UsageFigures

    public init(
        tenant: String, period: UsagePeriod? = nil, start: String? = nil, resetsAt: String? = nil, sessionId: String? = nil,
        usage: UsageFigures
    ) {
        self.tenant = tenant
        self.period = period
        self.start = start
        self.resetsAt = resetsAt
        self.sessionId = sessionId
        self.usage = usage
    }

    enum CodingKeys: String, CodingKey {
        case tenant, period, start, usage
        case resetsAt = "resets_at"
        case sessionId = "session_id"
    }
}
