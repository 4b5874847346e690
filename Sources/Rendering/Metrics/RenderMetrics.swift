import CoreMetrics
import Metrics
import RenderTypes

/// What every render records: its wall time, the time it queued for a browser context and the time
/// it held one (histograms), through the factory the render path was given. Failures by JSON-RPC
/// code are counted where the code is known, in RpcServer.
final class RenderMetrics: Sendable {
    static let durationLabel = "tidepool_render_duration_seconds"
    static let queueLabel = "tidepool_render_queue_wait_seconds"
    static let leaseLabel = "tidepool_render_lease_seconds"

    private let duration: Timer
    private let queueWait: Timer
    private let lease: Timer

    init(factory: any MetricsFactory) {
        duration = Timer(label: Self.durationLabel, factory: factory)
        queueWait = Timer(label: Self.queueLabel, factory: factory)
        lease = Timer(label: Self.leaseLabel, factory: factory)
    }

    /// A render that produced a result.
    func recordSuccess(_ result: DynamicRenderResult) {
        let timings = result.timings
        duration.recordNanoseconds(Self.nanoseconds(result.renderTimeMs))
        queueWait.recordNanoseconds(Self.nanoseconds(timings.queueMs))
        lease.recordNanoseconds(Self.nanoseconds(max(0, result.renderTimeMs - timings.queueMs)))
    }

    /// A render that failed after `elapsed`.
    func recordFailure(elapsed: Duration) {
        duration.record(duration: elapsed)
    }

    private static func nanoseconds(_ ms: Double) -> Int64 {
        Int64(max(0, ms) * 1_000_000)
    }
}
