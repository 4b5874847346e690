import CoreMetrics
import Synchronization

/// Failed renders by JSON-RPC error code (`tidepool_render_errors_total{code}`): counted here, where
/// the code is known, beside the render path's own histograms (Rendering's `RenderMetrics`).
final class RenderErrorMetrics: Sendable {
    static let label = "tidepool_render_errors_total"

    private let factory: any MetricsFactory
    private let counters = Mutex<[Int: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts one render that failed with `code`.
    func record(code: Int) {
        let counter = counters.withLock { counters in
            if let existing = counters[code] { return existing }
            let created = Counter(label: Self.label, dimensions: [("code", String(code))], factory: factory)
            counters[code] = created
            return created
        }
        counter.increment()
    }
}
