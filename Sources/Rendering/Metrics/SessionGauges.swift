public import CoreMetrics
public import SessionContext

/// Gauges of the session store's figures, refreshed from `SessionMetrics` each time /metrics is
/// scraped (so they cost nothing between scrapes).
public struct SessionGauges: Sendable {
    private let active, requests, errors, cleaned, renderTotal, renderAvg, p50, p95, p99: Gauge

    /// The gauges, created through `factory`.
    public init(factory: any MetricsFactory) {
        func gauge(_ name: String) -> Gauge { Gauge(label: "tidepool_sessions_" + name, factory: factory) }
        active = gauge("active")
        requests = gauge("requests")
        errors = gauge("errors")
        cleaned = gauge("expired_cleaned")
        renderTotal = gauge("render_time_ms_total")
        renderAvg = gauge("render_time_ms_avg")
        p50 = gauge("render_time_ms_p50")
        p95 = gauge("render_time_ms_p95")
        p99 = gauge("render_time_ms_p99")
    }

    /// Records the store's current figures.
    public func update(_ metrics: SessionMetrics) {
        active.record(metrics.activeSessions)
        requests.record(metrics.totalRequests)
        errors.record(metrics.errors)
        cleaned.record(metrics.expiredCleaned)
        renderTotal.record(metrics.totalRenderTimeMs)
        renderAvg.record(metrics.avgRenderTimeMs)
        p50.record(metrics.p50RenderMs)
        p95.record(metrics.p95RenderMs)
        p99.record(metrics.p99RenderMs)
    }
}
