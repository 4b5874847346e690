public import CoreMetrics
import Metrics
import RenderTypes
import Synchronization

/// Counts JSON-RPC calls by method and outcome and times them, through the `MetricsFactory` it is
/// given (not the global one), so several servers can live in one process with their own figures.
public final class RpcMetrics: Sendable {
    /// Method label of requests that never named a valid method (parse errors, invalid requests).
    static let invalidMethodLabel = "(invalid)"
    /// Method label of calls to methods that do not exist; the name itself is never a label,
    /// so callers cannot grow the label set without bound.
    static let unknownMethodLabel = "(unknown)"

    /// Prometheus name of the call counter (labels `method`, `code`; code `0` is success).
    public static let requestsLabel = "tidepool_rpc_requests_total"
    /// Prometheus name of the latency histogram (label `method`).
    public static let durationLabel = "tidepool_rpc_request_duration_seconds"

    private struct CounterKey: Hashable {
        var method: String
        var code: Int
    }

    private let factory: any MetricsFactory
    private let counters = Mutex<[CounterKey: Counter]>([:])
    private let timers = Mutex<[String: Timer]>([:])

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records one call of `method` that ended with `code` (nil for success) after `duration`.
    func record(method: String, code: Int?, duration: Duration) {
        let key = CounterKey(method: method, code: code ?? 0)
        let counter = counters.withLock { counters in
            if let existing = counters[key] { return existing }
            let created = Counter(
                label: Self.requestsLabel, dimensions: [("method", method), ("code", String(key.code))], factory: factory
            )
            counters[key] = created
            return created
        }
        counter.increment()
        guard duration > .zero else { return }
        let timer = timers.withLock { timers in
            if let existing = timers[method] { return existing }
            let created = Timer(label: Self.durationLabel, dimensions: [("method", method)], factory: factory)
            timers[method] = created
            return created
        }
        timer.record(duration: duration)
    }

    /// Records a refused request (no method involved).
    func record(method: String, code: RpcErrorCode, duration: Duration) {
        record(method: method, code: code.rawValue, duration: duration)
    }
}
