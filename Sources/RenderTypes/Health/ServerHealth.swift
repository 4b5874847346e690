/// What GET /health and the `health` method answer (SPEC "HTTP surface"): the wire shape shared
/// by server and client.
public struct ServerHealth: Sendable, Hashable, Codable {
    /// `healthy` when the session store answers and, once a pool exists, it can serve.
    public struct Status: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public static let healthy = Status(rawValue: "healthy")
        public static let unhealthy = Status(rawValue: "unhealthy")

        public var description: String { rawValue }
    }

    /// The session store's part of the report.
    public struct Sessions: Sendable, Hashable, Codable {
        /// Which backend stores sessions (`sqlite`, `memory`).
        public var backend: String
        /// Whether the store answered.
        public var ok: Bool
        /// Sessions held (expired ones awaiting cleanup included); nil when the store failed.
        public var count: Int?
        /// Why the store failed, when it did.
        public var error: String?

        public init(backend: String, ok: Bool, count: Int? = nil, error: String? = nil) {
            self.backend = backend
            self.ok = ok
            self.count = count
            self.error = error
        }

        enum CodingKeys: String, CodingKey {
            case backend, ok, count, error
        }
    }

    /// Which node answered: its id and the URL the other nodes reach it at.
    public struct Node: Sendable, Hashable, Codable {
        public var id: String
        public var advertiseURL: String

        public init(id: String, advertiseURL: String) {
            self.id = id
            self.advertiseURL = advertiseURL
        }

        enum CodingKeys: String, CodingKey {
            case id
            case advertiseURL = "advertise_url"
        }
    }

    public var status: Status
    public var version: String
    public var uptimeSecs: Int
    public var sessions: Sessions
    /// The browser pool's figures; `.null` while no pool is part of the server.
    public var pool: JSONValue
    /// The node that answered; nil from a server that does not say (older ones).
    public var node: Node?

    public init(
        status: Status, version: String, uptimeSecs: Int, sessions: Sessions, pool: JSONValue = .null, node: Node? = nil
    ) {
        self.status = status
        self.version = version
        self.uptimeSecs = uptimeSecs
        self.sessions = sessions
        self.pool = pool
        self.node = node
    }

    /// Whether the server says it can serve.
    public var isHealthy: Bool { status == .healthy }

    enum CodingKeys: String, CodingKey {
        case status, version, sessions, pool, node
        case uptimeSecs = "uptime_secs"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(Status.self, forKey: .status)
        version = try c.decode(String.self, forKey: .version)
        uptimeSecs = try c.decode(Int.self, forKey: .uptimeSecs)
        sessions = try c.decode(Sessions.self, forKey: .sessions)
        pool = try c.decodeIfPresent(JSONValue.self, forKey: .pool) ?? .null
        node = try c.decodeIfPresent(Node.self, forKey: .node)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(version, forKey: .version)
        try c.encode(uptimeSecs, forKey: .uptimeSecs)
        try c.encode(sessions, forKey: .sessions)
        try c.encode(pool, forKey: .pool)  // explicit null, never omitted
        try c.encodeIfPresent(node, forKey: .node)
    }
}
