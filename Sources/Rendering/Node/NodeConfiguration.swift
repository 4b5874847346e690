import Foundation

/// Who this server is among the nodes that share one session database: its id and the URL the
/// other nodes reach it at. Both default to this host's name and the HTTP port.
public struct NodeConfiguration: Sendable, Hashable {
    /// This node's id (TIDEPOOL_NODE_ID); nil: `<hostname>:<port>`.
    public var id: String?
    /// The URL other nodes reach this one at (TIDEPOOL_ADVERTISE_URL); nil: `http://<hostname>:<port>`.
    public var advertiseURL: String?

    public init(id: String? = nil, advertiseURL: String? = nil) {
        self.id = id
        self.advertiseURL = advertiseURL
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
