import CoreMetrics
import RenderTypes
import Synchronization

/// What every render records: its wall time, the time it queued for a browser context and the time
/// it held one (histograms), and failures by JSON-RPC error code (counters). Written through the
/// server's own factory, like `RpcMetrics`.
final class RenderMetrics: Sendable {
    static let durationLabel = "tidepool_render_duration_seconds"
    static let queueLabel = "tidepool_render_queue_wait_seconds"
    static let leaseLabel = "tidepool_render_lease_seconds"
    static let errorsLabel = "tidepool_render_errors_total"

    private let factory: any MetricsFactory
    private let duration: Timer
    private let queueWait: Timer
    private let lease: Timer
    private let errors = Mutex<[Int: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
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

    /// A render that failed with `code` after `elapsed`.
    func recordFailure(code: Int, elapsed: Duration) {
        duration.record(duration: elapsed)
        let counter = errors.withLock { errors in
            if let existing = errors[code] { return existing }
            let created = Counter(label: Self.errorsLabel, dimensions: [("code", String(code))], factory: factory)
            errors[code] = created
            return created
        }
        counter.increment()
    }

    private static func nanoseconds(_ ms: Double) -> Int64 {
        Int64(max(0, ms) * 1_000_000)
    }
}
