/// A snapshot of the pool for /health, /metrics and `pool.stats` (snake_case on the wire).
public struct PoolStats: Sendable, Codable, Equatable {
    /// One browser of the pool.
    public struct Browser: Sendable, Codable, Equatable {
        public var id: BrowserID
        /// `launching`, `ready`, `draining`, `closing` or `crashed`.
        public var state: String
        /// Why it drains (max lifetime, memory, health check, idle, shutdown …), if it does.
        public var drainReason: String?
        public var pid: Int32?
        public var leased: Int
        public var idleContexts: Int
        public var warmingContexts: Int
        public var leasesServed: Int
        public var ageSeconds: Double
        /// From the last health check (or launch): RSS and PSS summed over its process tree.
        public var rssBytes: Int?
        public var pssBytes: Int?
        public var processes: Int?

        enum CodingKeys: String, CodingKey {
            case id, state, pid, leased
            case drainReason = "drain_reason"
            case idleContexts = "idle_contexts"
            case warmingContexts = "warming_contexts"
            case leasesServed = "leases_served"
            case ageSeconds = "age_seconds"
            case rssBytes = "rss_bytes"
            case pssBytes = "pss_bytes"
            case processes
        }
    }

    public var browsers: [Browser]
    /// Browsers ready to lease.
    public var readyBrowsers: Int
    public var contextsLeased: Int
    /// Prewarmed contexts waiting for a lease.
    public var contextsIdle: Int
    public var contextsWarming: Int
    /// Contexts kept for keep_warm sessions between their calls (held leases; counted in `contexts_leased`).
    public var contextsHeld: Int
    /// Held contexts not in a call right now (the pool takes these back when it needs the slot).
    public var contextsParked: Int
    public var queueLength: Int
    public var queueHigh: Int
    public var queueNormal: Int
    public var queueLow: Int
    /// Leases that fit at once on the ready browsers.
    public var capacity: Int
    /// contexts_leased / capacity (0 when there is no capacity).
    public var utilization: Double
    /// Crashed browsers (each one is replaced when recovery is on).
    public var restarts: Int
    /// Browsers drained and replaced for lifetime, lease count, memory or health.
    public var recycled: Int
    public var launches: Int
    public var launchFailures: Int
    public var leasesServed: Int
    public var hotLeases: Int
    public var overloadedRejections: Int
    public var queueTimeouts: Int
    /// Why the last browser launch failed; nil once one succeeded.
    public var lastLaunchError: String?
    public var shuttingDown: Bool

    enum CodingKeys: String, CodingKey {
        case browsers, capacity, utilization, restarts, recycled, launches
        case readyBrowsers = "ready_browsers"
        case contextsLeased = "contexts_leased"
        case contextsIdle = "contexts_idle"
        case contextsWarming = "contexts_warming"
        case contextsHeld = "contexts_held"
        case contextsParked = "contexts_parked"
        case lastLaunchError = "last_launch_error"
        case queueLength = "queue_length"
        case queueHigh = "queue_high"
        case queueNormal = "queue_normal"
        case queueLow = "queue_low"
        case launchFailures = "launch_failures"
        case leasesServed = "leases_served"
        case hotLeases = "hot_leases"
        case overloadedRejections = "overloaded_rejections"
        case queueTimeouts = "queue_timeouts"
        case shuttingDown = "shutting_down"
    }

    /// RSS of every browser's process tree, summed.
    public var totalRSSBytes: Int { browsers.compactMap(\.rssBytes).reduce(0, +) }
    /// PSS of every browser's process tree, summed.
    public var totalPSSBytes: Int { browsers.compactMap(\.pssBytes).reduce(0, +) }
}
