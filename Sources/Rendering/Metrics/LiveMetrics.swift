import CoreMetrics

/// What live views do, for `/metrics`: views opened by mode (`tidepool_live_views_total{mode}`),
/// ended by how (`tidepool_live_views_ended_total{reason}`), running now (`tidepool_live_views`),
/// frames and their bytes sent to viewers, and viewers' inputs relayed or dropped (view mode).
final class LiveMetrics: Sendable {
    private let opened: [LiveMode: Counter]
    private let endings: [String: Counter]
    private let running: Gauge
    private let frames: Counter
    private let frameBytes: Counter
    private let relayed: Counter
    private let dropped: Counter

    init(factory: any MetricsFactory) {
        var opened: [LiveMode: Counter] = [:]
        for mode in LiveMode.allCases {
            opened[mode] = Counter(label: "tidepool_live_views_total", dimensions: [("mode", mode.rawValue)], factory: factory)
        }
        self.opened = opened
        var endings: [String: Counter] = [:]
        for reason: LiveEnd in [.done, .revoked, .expired, .sessionDeleted, .viewerLeft, .idle, .serverStopping, .failed] {
            endings[reason.rawValue] = Counter(
                label: "tidepool_live_views_ended_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.endings = endings
        running = Gauge(label: "tidepool_live_views", factory: factory)
        frames = Counter(label: "tidepool_live_frames_total", factory: factory)
        frameBytes = Counter(label: "tidepool_live_frame_bytes_total", factory: factory)
        relayed = Counter(label: "tidepool_live_inputs_total", dimensions: [("outcome", "relayed")], factory: factory)
        dropped = Counter(label: "tidepool_live_inputs_total", dimensions: [("outcome", "dropped")], factory: factory)
    }

    func opened(_ mode: LiveMode) {
        opened[mode]?.increment()
    }

    func ended(_ reason: LiveEnd) {
        endings[reason.rawValue]?.increment()
    }

    func frame(bytes: Int) {
        frames.increment()
        frameBytes.increment(by: Int64(bytes))
    }

    func input(relayed: Bool) {
        (relayed ? self.relayed : dropped).increment()
    }

    func record(running count: Int) {
        running.record(count)
    }
}
