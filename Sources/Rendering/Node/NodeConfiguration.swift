import AsyncSupport
import Foundation

/// Who this server is among the nodes that share one session database — its id and the URL the
/// other nodes reach it at, both defaulting to this host's name and the HTTP port — and the pace of
/// the cluster: heartbeats, when a silent node counts as gone, how long a session's lease lasts.
/// The timings matter only with a backend several nodes share (PostgreSQL); defaults are the
/// documented ones (docs/scaling.md).
public struct NodeConfiguration: Sendable, Hashable {
    /// This node's id (TIDEPOOL_NODE_ID); nil: `<hostname>:<port>`. Unique among the nodes.
    public var id: String?
    /// The URL other nodes reach this one at (TIDEPOOL_ADVERTISE_URL); nil: `http://<hostname>:<port>`.
    public var advertiseURL: String?
    /// How often the node writes its heartbeat (and reads the other nodes').
    public var heartbeatInterval: Duration
    /// A node without a heartbeat for this long is gone: its sessions are taken over by the next
    /// node that gets a call for them.
    public var nodeTimeout: Duration
    /// How long a session's lease lasts unless renewed (a render renews it every third of this):
    /// the longest a dead node keeps its sessions from the others.
    public var leaseDuration: Duration

    public init(
        id: String? = nil, advertiseURL: String? = nil, heartbeatInterval: Duration = .seconds(1),
        nodeTimeout: Duration = .seconds(5), leaseDuration: Duration = .seconds(5)
    ) {
        precondition(heartbeatInterval > .zero && leaseDuration > .zero, "cluster intervals must be positive")
        precondition(nodeTimeout > heartbeatInterval, "a node must have time for a heartbeat before it counts as gone")
        self.id = id
        self.advertiseURL = advertiseURL
        self.heartbeatInterval = heartbeatInterval
        self.nodeTimeout = nodeTimeout
        self.leaseDuration = leaseDuration
    }

    /// `heartbeatInterval` in whole milliseconds (what the command line sets).
    public var heartbeatIntervalMs: Int {
        get { heartbeatInterval.wholeMilliseconds }
        set { heartbeatInterval = .milliseconds(newValue) }
    }

    /// `nodeTimeout` in whole milliseconds.
    public var nodeTimeoutMs: Int {
        get { nodeTimeout.wholeMilliseconds }
        set { nodeTimeout = .milliseconds(newValue) }
    }

    /// `leaseDuration` in whole milliseconds.
    public var leaseDurationMs: Int {
        get { leaseDuration.wholeMilliseconds }
        set { leaseDuration = .milliseconds(newValue) }
    }

    /// The id this node goes by when it listens on `port`.
    public func resolvedID(port: Int) -> String {
        id ?? "\(Self.hostName):\(port)"
    }

    /// The URL this node advertises when it listens on `port`.
    public func resolvedAdvertiseURL(port: Int) -> String {
        advertiseURL ?? "http://\(Self.hostName):\(port)"
    }

    /// This machine's name, as the kernel reports it (not a DNS lookup: that may hang or fail).
    static let hostName: String = {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return "localhost" }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()
}
