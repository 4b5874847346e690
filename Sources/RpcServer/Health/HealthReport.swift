public import RenderTypes

/// What GET /health and the `health` method answer.
public struct HealthReport: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Hashable, Encodable {
        case healthy, unhealthy
    }

    /// The session store's part of the report.
    public struct Sessions: Sendable, Hashable, Encodable {
        /// Which backend stores sessions (`sqlite`, `memory`).
        public var backend: String
        /// Whether the store answered.
        public var ok: Bool
        /// Sessions held (expired ones awaiting cleanup included); nil when the store failed.
        public var count: Int?
        /// Why the store failed, when it did.
        public var error: String?

        enum CodingKeys: String, CodingKey {
            case backend, ok, count, error
        }
    }

    public var status: Status
    public var version: String
    public var uptimeSecs: Int
    public var sessions: Sessions
    /// The pool's figures; null until a browser pool is plugged in.
    public var pool: JSONValue

    enum CodingKeys: String, CodingKey {
        case status, version, sessions, pool
        case uptimeSecs = "uptime_secs"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(version, forKey: .version)
        try container.encode(uptimeSecs, forKey: .uptimeSecs)
        try container.encode(sessions, forKey: .sessions)
        try container.encode(pool, forKey: .pool)  // explicit null, never omitted
    }
}
