public import RenderTypes

/// One row of the usage totals the session store keeps: a tenant's totals for one period (a UTC
/// minute, day or month, named by its start in unix seconds), or one session's totals.
public struct UsageKey: Sendable, Hashable {
    /// What a row sums.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        case minute, day, month
        /// One session's renders (`key` is the session id).
        case session
    }

    public var tenant: TenantID
    public var scope: Scope
    /// The period's start in unix seconds (as decimal text), or the session id.
    public var key: String

    public init(tenant: TenantID, scope: Scope, key: String) {
        self.tenant = tenant
        self.scope = scope
        self.key = key
    }

    /// The row of `session`'s totals.
    public static func session(_ id: SessionID) -> UsageKey {
        UsageKey(tenant: id.tenant, scope: .session, key: id.rawValue)
    }
}

/// Where usage totals survive restarts: the session backends (memory, SQLite, PostgreSQL) keep
/// them next to the sessions. Writes add to what is stored, so a batch of several renders costs
/// one write.
public protocol UsageStore: Sendable {
    /// Every stored total, after forgetting minute rows that started before `minutesSince` and
    /// session rows whose session is gone (unix seconds).
    func loadUsage(forgettingMinutesBefore minutesSince: Int) async throws(SessionError) -> [UsageKey: UsageFigures]

    /// Adds each of `deltas` to its stored total (creating it), all or nothing.
    func addUsage(_ deltas: [UsageKey: UsageFigures]) async throws(SessionError)
}

/// A usage store several nodes add to (PostgreSQL): each node reads the current periods' totals as
/// all of them wrote them, so its `usage.get` answers and its limit checks see the whole cluster's
/// renders (a second late at most: each node writes every second).
///
/// It also counts the renders a tenant's count limits (`renders_per_minute`, `renders_per_day`) admit,
/// as every node admits them, so that those limits are exact across nodes as they are on one.
public protocol SharedUsageStore: UsageStore {
    /// Every tenant's stored totals of the minute, day and month starting at these unix seconds.
    func currentUsage(minute: Int, day: Int, month: Int) async throws(SessionError) -> [UsageKey: UsageFigures]

    /// Admits one render of `tenant` in the minute and the day starting at these unix seconds (as
    /// decimal text) when the renders every node admitted in them are under `minuteLimit` and
    /// `dayLimit` (nil: no limit), atomically with every other node's admissions; otherwise counts
    /// nothing and says which limit refused it and how many renders it counts.
    func admitRender(tenant: TenantID, minute: String, minuteLimit: Int?, day: String, dayLimit: Int?) async throws(SessionError)
        -> RenderAdmission

    /// Gives back `count` admitted renders of the minute or day row `key` that never got a browser
    /// context (one row at a time, so that a refund and an admission never wait for each other).
    func refundRenders(_ count: Int, of key: UsageKey) async throws(SessionError)
}

/// What `SharedUsageStore.admitRender` decided.
public enum RenderAdmission: Sendable, Equatable {
    case admitted
    /// Refused by the limit of `scope` (`.minute` or `.day`), which counts `used` renders.
    case refused(scope: UsageKey.Scope, used: Int)
}
