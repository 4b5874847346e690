public import Foundation

/// Aggregates a backend computes over its stored records, from which the store builds
/// `SessionMetrics`. Coming from the records, they survive a restart of a persistent backend.
public struct SessionSummary: Sendable, Hashable {
    /// Records stored, expired ones included.
    public var storedSessions = 0
    /// Records live at the summary's instant.
    public var activeSessions = 0
    /// Sum of `requestCount` over all records.
    public var totalRequests = 0
    /// Sum of `renderCount` over all records.
    public var renderedRequests = 0
    /// Sum of `totalRenderTimeMs` over all records.
    public var totalRenderTimeMs: Double = 0
    /// Sum of `errorCount` over all records.
    public var errors = 0
    /// Sum of the ages (seconds) of the live records.
    public var totalActiveAgeSeconds: Double = 0
    /// Records removed by `deleteExpired` over the backend's life (persisted where the backend is).
    public var expiredCleaned = 0

    public init() {}

    /// Adds one record as seen at `now`.
    public mutating func add(_ session: RpcSessionContext, now: Date) {
        storedSessions += 1
        totalRequests += session.requestCount
        renderedRequests += session.renderCount
        totalRenderTimeMs += session.totalRenderTimeMs
        errors += session.errorCount
        if !session.isExpired(at: now) {
            activeSessions += 1
            totalActiveAgeSeconds += session.ageSeconds(at: now)
        }
    }

    /// Adds the figures of another partial summary (e.g. another shard's).
    public mutating func merge(_ other: SessionSummary) {
        storedSessions += other.storedSessions
        activeSessions += other.activeSessions
        totalRequests += other.totalRequests
        renderedRequests += other.renderedRequests
        totalRenderTimeMs += other.totalRenderTimeMs
        errors += other.errors
        totalActiveAgeSeconds += other.totalActiveAgeSeconds
        expiredCleaned += other.expiredCleaned
    }

    /// The name under which persistent backends count `tenant`'s expired sessions:
    /// `expired_cleaned` for `default` (the name from before tenants existed), else
    /// `expired_cleaned:<tenant>`; every tenant's together are the names `expiredCleanedCounterPattern` matches.
    public static func expiredCleanedCounterName(for tenant: TenantID) -> String {
        tenant.isDefault ? "expired_cleaned" : "expired_cleaned:" + tenant.rawValue
    }

    /// A SQL `LIKE` pattern matching the counter names of tenants other than `default`.
    public static let expiredCleanedCounterPattern = "expired_cleaned:%"
}
