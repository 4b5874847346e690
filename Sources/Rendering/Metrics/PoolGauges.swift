import CoreMetrics
import Headless
import RenderTypes
import Synchronization

/// Gauges of the browser pool, refreshed from `PoolStats` each time /metrics is scraped: browsers,
/// contexts by state, queue length, utilization, restarts, and RSS/PSS per browser (a browser's
/// gauges are removed when it leaves the pool, so ids never pile up).
final class PoolGauges: Sendable {
    private let factory: any MetricsFactory
    private let browsers, ready, queue, utilization, restarts, recycled, launchFailures, profileBrowsers: Gauge
    private let contexts: [String: Gauge]
    private let perBrowser = Mutex<[Int: (rss: Gauge, pss: Gauge)]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
        func gauge(_ name: String) -> Gauge { Gauge(label: "tidepool_pool_" + name, factory: factory) }
        browsers = gauge("browsers")
        ready = gauge("browsers_ready")
        queue = gauge("queue_length")
        utilization = gauge("utilization")
        restarts = gauge("restarts")
        recycled = gauge("recycled")
        launchFailures = gauge("launch_failures")
        profileBrowsers = Gauge(label: "tidepool_profile_browsers", factory: factory)
        var contexts: [String: Gauge] = [:]
        for state in ["idle", "leased", "held", "warming"] {
            contexts[state] = Gauge(label: "tidepool_pool_contexts", dimensions: [("state", state)], factory: factory)
        }
        self.contexts = contexts
    }

    func update(_ stats: PoolStats, profileBrowsers running: Int) {
        browsers.record(stats.browsers.count)
        ready.record(stats.readyBrowsers)
        queue.record(stats.queueLength)
        utilization.record(stats.utilization)
        restarts.record(stats.restarts)
        recycled.record(stats.recycled)
        launchFailures.record(stats.launchFailures)
        profileBrowsers.record(running)
        contexts["idle"]?.record(stats.contextsIdle)
        contexts["leased"]?.record(stats.contextsLeased)
        contexts["held"]?.record(stats.contextsHeld)
        contexts["warming"]?.record(stats.contextsWarming)
        let gone: [(rss: Gauge, pss: Gauge)] = perBrowser.withLock { gauges in
            for browser in stats.browsers {
                let pair = gauges[browser.id] ?? (
                    Gauge(label: "tidepool_pool_browser_rss_bytes", dimensions: [("browser", "\(browser.id)")], factory: factory),
                    Gauge(label: "tidepool_pool_browser_pss_bytes", dimensions: [("browser", "\(browser.id)")], factory: factory)
                )
                gauges[browser.id] = pair
                pair.rss.record(browser.rssBytes ?? 0)
                pair.pss.record(browser.pssBytes ?? 0)
            }
            let present = Set(stats.browsers.map(\.id))
            let leaving = gauges.filter { !present.contains($0.key) }
            for id in leaving.keys { gauges[id] = nil }
            return Array(leaving.values)
        }
        for pair in gone {
            pair.rss.destroy()
            pair.pss.destroy()
        }
    }
}
