import CoreMetrics

/// Metrics of sessions handed to CDP clients: `tidepool_cdp_handoffs` (running now),
/// `tidepool_cdp_handoffs_total{ended}` (by why they ended), and the traffic of their bridges,
/// `tidepool_cdp_messages_total{direction}` / `tidepool_cdp_bytes_total{direction}` with direction
/// `to_browser` (the client's commands) or `to_client` (replies and events).
final class HandoffMetrics: Sendable {
    private let running: Gauge
    private let ended: [String: Counter]
    private let messagesToBrowser: Counter
    private let messagesToClient: Counter
    private let bytesToBrowser: Counter
    private let bytesToClient: Counter

    init(factory: any MetricsFactory) {
        running = Gauge(label: "tidepool_cdp_handoffs", factory: factory)
        var ended: [String: Counter] = [:]
        for label in HandoffEnd.labels {
            ended[label] = Counter(label: "tidepool_cdp_handoffs_total", dimensions: [("ended", label)], factory: factory)
        }
        self.ended = ended
        messagesToBrowser = Counter(label: "tidepool_cdp_messages_total", dimensions: [("direction", "to_browser")], factory: factory)
        messagesToClient = Counter(label: "tidepool_cdp_messages_total", dimensions: [("direction", "to_client")], factory: factory)
        bytesToBrowser = Counter(label: "tidepool_cdp_bytes_total", dimensions: [("direction", "to_browser")], factory: factory)
        bytesToClient = Counter(label: "tidepool_cdp_bytes_total", dimensions: [("direction", "to_client")], factory: factory)
        running.record(0)
    }

    func setRunning(_ count: Int) {
        running.record(count)
    }

    func ended(_ reason: HandoffEnd) {
        ended[reason.label]?.increment()
    }

    func toBrowser(bytes: Int) {
        messagesToBrowser.increment()
        bytesToBrowser.increment(by: bytes)
    }

    func toClient(bytes: Int) {
        messagesToClient.increment()
        bytesToClient.increment(by: bytes)
    }
}
