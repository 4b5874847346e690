/// Aggregate figures of a session store (SPEC `SessionMetrics`, what `session.stats` returns).
///
/// Counts and totals come from the stored records, so they are right after a restart over a
/// persistent backend: `active_sessions` and `avg_session_age_seconds` cover live sessions;
/// `total_requests`, `total_render_time_ms`, `avg_render_time_ms` and `errors` cover every stored
/// session (expired ones until cleanup removes them). The percentiles come from an in-process
/// histogram of the render times recorded since the store was created (±1.6%).
public struct SessionMetrics: Sendable, Hashable, Codable {
    public var activeSessions: Int
    public var totalRequests: Int
    public var avgSessionAgeSeconds: Double
    public var totalRenderTimeMs: Double
    /// Mean render time weighted by request (total render time / requests with a recorded time).
    public var avgRenderTimeMs: Double
    public var p50RenderMs: Double
    public var p95RenderMs: Double
    public var p99RenderMs: Double
    /// Sessions removed by cleanup because they expired.
    public var expiredCleaned: Int
    public var errors: Int

    public init(
        activeSessions: Int = 0, totalRequests: Int = 0, avgSessionAgeSeconds: Double = 0,
        totalRenderTimeMs: Double = 0, avgRenderTimeMs: Double = 0, p50RenderMs: Double = 0,
        p95RenderMs: Double = 0, p99RenderMs: Double = 0, expiredCleaned: Int = 0, errors: Int = 0
    ) {
        self.activeSessions = activeSessions
        self.totalRequests = totalRequests
        self.avgSessionAgeSeconds = avgSessionAgeSeconds
        self.totalRenderTimeMs = totalRenderTimeMs
        self.avgRenderTimeMs = avgRenderTimeMs
        self.p50RenderMs = p50RenderMs
        self.p95RenderMs = p95RenderMs
        self.p99RenderMs = p99RenderMs
        self.expiredCleaned = expiredCleaned
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case activeSessions = "active_sessions"
        case totalRequests = "total_requests"
        case avgSessionAgeSeconds = "avg_session_age_seconds"
        case totalRenderTimeMs = "total_render_time_ms"
        case avgRenderTimeMs = "avg_render_time_ms"
        case p50RenderMs = "p50_render_ms"
        case p95RenderMs = "p95_render_ms"
        case p99RenderMs = "p99_render_ms"
        case expiredCleaned = "expired_cleaned"
        case errors
    }
}
