import CoreMetrics
import Metrics

/// Calls this node forwarded to the node that owns their session, by method and outcome, with the
/// time each took; and calls other nodes forwarded here.
final class ForwardMetrics: Sendable {
    static let forwardedLabel = "tidepool_cluster_forwarded_total"
    static let durationLabel = "tidepool_cluster_forward_duration_seconds"
    static let receivedLabel = "tidepool_cluster_forwarded_in_total"

    /// How a forwarded call ended.
    enum Outcome: String {
        /// The owner answered (a result or an error of its own).
        case answered
        /// The owner could not be reached: the call was served here, taking the session over.
        case unreachable
        /// The call reached the owner but no usable answer came back (it died during the call, or
        /// answered something else than JSON-RPC).
        case failed
    }

    let factory: any MetricsFactory

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// A call of `method` forwarded for `duration`, ending as `outcome`.
    func recordForward(method: String, outcome: Outcome, duration: Duration) {
        Counter(label: Self.forwardedLabel, dimensions: [("method", method), ("outcome", outcome.rawValue)], factory: factory)
            .increment()
        Timer(label: Self.durationLabel, dimensions: [("method", method)], factory: factory).record(duration: duration)
    }

    /// A call of `method` another node forwarded here.
    func recordReceived(method: String) {
        Counter(label: Self.receivedLabel, dimensions: [("method", method)], factory: factory).increment()
    }
}
