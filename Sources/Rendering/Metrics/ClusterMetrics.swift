public import CoreMetrics
import Metrics
import AsyncSupport
import SessionContext

/// What the cluster's part of the render path records: sessions taken over from a gone owner, how
/// long renders waited for a session's lease (the cluster-wide turn), leases lost under a render
/// (its write-back refused), and the nodes by standing at the last heartbeat.
public final class ClusterMetrics: Sendable {
    static let takeoversLabel = "tidepool_cluster_takeovers_total"
    static let leaseWaitLabel = "tidepool_cluster_lease_wait_seconds"
    static let leasesLostLabel = "tidepool_cluster_leases_lost_total"
    static let nodesLabel = "tidepool_cluster_nodes"

    private let takeovers: Counter
    private let leaseWait: Timer
    private let leasesLost: Counter
    private let alive: Gauge
    private let gone: Gauge

    /// Metrics written through `factory`.
    public init(factory: any MetricsFactory) {
        takeovers = Counter(label: Self.takeoversLabel, factory: factory)
        leaseWait = Timer(label: Self.leaseWaitLabel, factory: factory)
        leasesLost = Counter(label: Self.leasesLostLabel, factory: factory)
        alive = Gauge(label: Self.nodesLabel, dimensions: [("state", "alive")], factory: factory)
        gone = Gauge(label: Self.nodesLabel, dimensions: [("state", "gone")], factory: factory)
    }

    /// This node took a session over from its gone owner.
    func recordTakeover() {
        takeovers.increment()
    }

    /// A render had its session's lease after waiting `wait`.
    func recordLeaseWait(_ wait: Duration) {
        leaseWait.record(duration: wait)
    }

    /// A render's lease passed to another node before its write-back.
    func recordLeaseLost() {
        leasesLost.increment()
    }

    /// The nodes as a heartbeat read them; those silent for `timeout` count as gone.
    func update(_ nodes: [NodeStatus], timeout: Duration) {
        let live = nodes.filter { $0.secondsSinceHeartbeat < timeout.inSeconds }.count
        alive.record(live)
        gone.record(nodes.count - live)
    }
}
