public import CoreMetrics
public import Prometheus

/// The metrics backend of one server: a Prometheus registry that GET /metrics renders and the
/// swift-metrics factory that writes into it. Owned by the server (not bootstrapped globally), so
/// tests can run several servers in one process, each with its own figures.
public struct ServerMetrics: Sendable {
    /// The registry /metrics renders.
    public let registry: PrometheusCollectorRegistry
    /// The factory every Tidepool metric is created through.
    public let factory: any MetricsFactory

    /// Latency buckets from 100 µs to 2 minutes: session calls take well under a millisecond,
    /// renders up to their 120 s deadline.
    public static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(120),
    ]

    /// A fresh registry with Tidepool's histogram buckets.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.registry = registry
        self.factory = factory
    }

    /// Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }
}
