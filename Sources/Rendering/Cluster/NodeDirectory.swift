import AsyncSupport
import SessionContext
import Synchronization

/// The nodes as this node last read them (each heartbeat reads the table), and the nodes a
/// forwarded call found unreachable since: what placement judges a session's owner by, without a
/// database round trip per call.
final class NodeDirectory: Sendable {
    /// A node's standing now.
    enum Liveness: Sendable, Hashable {
        /// Sending heartbeats: calls for its sessions go to it.
        case alive(NodeStatus)
        /// Not to be waited for; `reason` says why (for the takeover's warning and log).
        case gone(reason: String)
    }

    private struct State {
        var nodes: [String: NodeStatus] = [:]
        /// When the table was read; nil before the first read.
        var readAt: ContinuousClock.Instant?
        /// Nodes a forwarded call could not reach: when, and at which URL.
        var unreachable: [String: (at: ContinuousClock.Instant, url: String)] = [:]
    }

    private let state = Mutex(State())

    /// The table as read at `readAt`. An unreachable mark holds until a heartbeat newer than it, or
    /// until the node advertises another URL than the one that failed (it came back elsewhere).
    func update(_ nodes: [NodeStatus], readAt: ContinuousClock.Instant) {
        state.withLock { state in
            state.nodes = Dictionary(nodes.map { ($0.nodeID, $0) }, uniquingKeysWith: { first, _ in first })
            state.readAt = readAt
            state.unreachable = state.unreachable.filter { node, mark in
                guard let status = state.nodes[node], status.advertiseURL == mark.url else { return false }
                return readAt - .seconds(status.secondsSinceHeartbeat) < mark.at
            }
        }
    }

    /// Node `nodeID` refused a connection (or none was had in time): it counts as gone until it
    /// sends a heartbeat again.
    func markUnreachable(_ nodeID: String, at url: String, when instant: ContinuousClock.Instant = .now) {
        state.withLock { $0.unreachable[nodeID] = (instant, url) }
    }

    /// Node `nodeID`'s standing at `now`: alive when its last heartbeat is younger than `timeout`
    /// and no call found it unreachable since.
    func liveness(of nodeID: String, timeout: Duration, now: ContinuousClock.Instant = .now) -> Liveness {
        state.withLock { state in
            guard let status = state.nodes[nodeID], let readAt = state.readAt else {
                return .gone(reason: "it is not among the nodes (it stopped, or was never seen)")
            }
            if state.unreachable[nodeID] != nil {
                return .gone(reason: "it did not answer a forwarded call")
            }
            let silence = (now - readAt) + .seconds(status.secondsSinceHeartbeat)
            guard silence < timeout else {
                return .gone(reason: "no heartbeat for \(Self.seconds(silence)) s")
            }
            return .alive(status)
        }
    }

    private static func seconds(_ duration: Duration) -> String {
        String(Double(Int(duration.inSeconds * 10)) / 10)
    }
}
