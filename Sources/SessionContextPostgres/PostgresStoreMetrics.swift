import CoreMetrics
import Synchronization

/// What the PostgreSQL backend records of its calls (each a statement or a transaction on the
/// pool): how long each took by outcome, how many hold or wait for one of the pool's connections
/// now, and the pool's size — the figures for sizing connections per node and nodes per database
/// (docs/scaling.md).
///
/// - `tidepool_session_store_call_duration_seconds{outcome}`: `ok`; `busy` (out of time while other
///   calls went through: every connection was taken); `unavailable` (the database unreachable or
///   lost); `error` (anything else, a refused fencing token included).
/// - `tidepool_session_store_calls_in_flight`: calls between their start and their end.
/// - `tidepool_session_store_pool_connections_max`: the pool's `maximumConnections`.
final class PostgresStoreMetrics: Sendable {
    static let durationLabel = "tidepool_session_store_call_duration_seconds"
    static let inFlightLabel = "tidepool_session_store_calls_in_flight"
    static let maxConnectionsLabel = "tidepool_session_store_pool_connections_max"

    /// How a call ended.
    enum Outcome: String, CaseIterable {
        case ok, busy, unavailable, error
    }

    private let durations: [Outcome: Timer]
    private let inFlight: Gauge
    private let running = Atomic<Int>(0)

    init(factory: any MetricsFactory, maximumConnections: Int) {
        durations = Dictionary(
            uniqueKeysWithValues: Outcome.allCases.map {
                ($0, Timer(label: Self.durationLabel, dimensions: [("outcome", $0.rawValue)], factory: factory))
            })
        inFlight = Gauge(label: Self.inFlightLabel, factory: factory)
        Gauge(label: Self.maxConnectionsLabel, factory: factory).record(maximumConnections)
        inFlight.record(0)
    }

    /// A call starts.
    func started() {
        inFlight.record(running.add(1, ordering: .relaxed).newValue)
    }

    /// The call that started `elapsed` ago ended as `outcome`.
    func ended(_ outcome: Outcome, after elapsed: Duration) {
        inFlight.record(running.subtract(1, ordering: .relaxed).newValue)
        let (seconds, attoseconds) = elapsed.components
        durations[outcome]?.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
