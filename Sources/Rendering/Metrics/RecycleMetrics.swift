import CoreMetrics
import RenderTypes

/// Counters of recycled contexts: renders without a session by the context they ran in
/// (`tidepool_render_contexts_total{context="fresh"|"recycled"}`), and contexts given back instead
/// of recycled, by why (`tidepool_recycled_contexts_retired_total{reason}`).
final class RecycleMetrics: Sendable {
    /// Why a recyclable context was disposed.
    enum Retirement: String, CaseIterable {
        /// It served its `max_uses` renders.
        case uses
        /// The render failed in it.
        case failed
        /// The render left it not reusable (another origin, popups, a reset that found something).
        case refused
        /// A render waited for a pool slot when it could have been kept.
        case pressure
        /// Its next render's gate did not come back clean (`Page.passGate`): that render ran again in a
        /// fresh context.
        case gate
    }

    private let leases: [RenderIsolation: Counter]
    private let retirements: [Retirement: Counter]

    init(factory: any MetricsFactory) {
        var leases: [RenderIsolation: Counter] = [:]
        for kind in RenderIsolation.allCases {
            leases[kind] = Counter(label: "tidepool_render_contexts_total", dimensions: [("context", kind.rawValue)], factory: factory)
        }
        self.leases = leases
        var retirements: [Retirement: Counter] = [:]
        for reason in Retirement.allCases {
            retirements[reason] = Counter(
                label: "tidepool_recycled_contexts_retired_total", dimensions: [("reason", reason.rawValue)], factory: factory)
        }
        self.retirements = retirements
    }

    func leased(_ kind: RenderIsolation) {
        leases[kind]?.increment()
    }

    func retired(_ reason: Retirement) {
        retirements[reason]?.increment()
    }
}
