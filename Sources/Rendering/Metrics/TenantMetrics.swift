import CoreMetrics
import RenderTypes
import SessionContext
import Synchronization

/// Per-tenant counters of what renders spent and of refused calls:
/// `tidepool_tenant_renders_total{tenant}`, `tidepool_tenant_browser_seconds_total{tenant}`,
/// `tidepool_tenant_bytes_total{tenant,direction="in"|"out"}` and
/// `tidepool_tenant_refusals_total{tenant,reason}` (reason: the limit, e.g. `renders_per_day`).
/// Each tenant's counters are made on its first render and kept. And
/// `tidepool_usage_renders_written_total`: renders whose usage reached the session store.
final class TenantMetrics: Sendable {
    private struct Spent {
        let renders: Counter
        let browserSeconds: FloatingPointCounter
        let bytesIn: Counter
        let bytesOut: Counter
    }

    private let factory: any MetricsFactory
    private let spent = Mutex<[TenantID: Spent]>([:])
    private let refusals = Mutex<[String: Counter]>([:])

    private let written: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        written = Counter(label: "tidepool_usage_renders_written_total", factory: factory)
    }

    func recordWritten(renders: Int) {
        written.increment(by: renders)
    }

    func recordSpent(_ usage: UsageFigures, tenant: TenantID) {
        let counters = spent.withLock { table in
            if let known = table[tenant] { return known }
            let dimensions = [("tenant", tenant.rawValue)]
            let made = Spent(
                renders: Counter(label: "tidepool_tenant_renders_total", dimensions: dimensions, factory: factory),
                browserSeconds: FloatingPointCounter(
                    label: "tidepool_tenant_browser_seconds_total", dimensions: dimensions, factory: factory),
                bytesIn: Counter(label: "tidepool_tenant_bytes_total", dimensions: dimensions + [("direction", "in")], factory: factory),
                bytesOut: Counter(
                    label: "tidepool_tenant_bytes_total", dimensions: dimensions + [("direction", "out")], factory: factory))
            table[tenant] = made
            return made
        }
        counters.renders.increment(by: usage.renders)
        counters.browserSeconds.increment(by: Double(usage.browserMs) / 1000)
        counters.bytesIn.increment(by: usage.bytesIn)
        counters.bytesOut.increment(by: usage.bytesOut)
    }

    func recordRefusal(_ reason: String, tenant: TenantID) {
        let counter = refusals.withLock { table in
            let name = tenant.rawValue + "\u{0}" + reason
            if let known = table[name] { return known }
            let made = Counter(
                label: "tidepool_tenant_refusals_total", dimensions: [("tenant", tenant.rawValue), ("reason", reason)],
                factory: factory)
            table[name] = made
            return made
        }
        counter.increment()
    }
}
