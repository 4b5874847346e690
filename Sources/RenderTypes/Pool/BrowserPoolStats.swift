/// What `pool.stats` answers: a snapshot of the server's browser pool (SPEC "Methods": browsers,
/// contexts idle / leased / warming, queue length, utilization, restarts, memory per browser).
/// The wire shape of Headless's `PoolStats` plus the render path's profile browsers and warm
/// sessions, decodable without linking Headless or RpcServer.
public struct BrowserPoolStats: Sendable, Hashable, Codable {
    /// One browser process of the pool.
    public struct Browser: Sendable, Hashable, Codable {
        public var id: Int
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
        /// RSS and PSS summed over the browser's process tree, from its last health check.
        public var rssBytes: Int?
        public var pssBytes: Int?
        public var processes: Int?

        public init(
            id: Int, state: String, drainReason: String? = nil, pid: Int32? = nil, leased: Int = 0, idleContexts: Int = 0,
            warmingContexts: Int = 0, leasesServed: Int = 0, ageSeconds: Double = 0, rssBytes: Int? = nil,
            pssBytes: Int? = nil, processes: Int? = nil
        ) {
            self.id = id
            self.state = state
            self.drainReason = drainReason
            self.pid = pid
            self.leased = leased
            self.idleContexts = idleContexts
            self.warmingContexts = warmingContexts
            self.leasesServed = leasesServed
            self.ageSeconds = ageSeconds
            self.rssBytes = rssBytes
            self.pssBytes = pssBytes
            self.processes = processes
        }

        enum CodingKeys: String, CodingKey {
            case id, state, pid, leased, processes
            case drainReason = "drain_reason"
            case idleContexts = "idle_contexts"
            case warmingContexts = "warming_contexts"
            case leasesServed = "leases_served"
            case ageSeconds = "age_seconds"
            case rssBytes = "rss_bytes"
            case pssBytes = "pss_bytes"
        }
    }

    /// A browser running one session's on-disk profile (outside the pool).
    public struct ProfileBrowser: Sendable, Hashable, Codable {
        public var profile: String
        public var pid: Int32?
        /// Renders using it now.
        public var inUse: Int
        public var idleSeconds: Double

        public init(profile: String, pid: Int32? = nil, inUse: Int = 0, idleSeconds: Double = 0) {
            self.profile = profile
            self.pid = pid
            self.inUse = inUse
            self.idleSeconds = idleSeconds
        }

        enum CodingKeys: String, CodingKey {
            case profile, pid
            case inUse = "in_use"
            case idleSeconds = "idle_seconds"
        }
    }

    public var browsers: [Browser]
    /// Browsers ready to lease.
    public var readyBrowsers: Int
    public var contextsLeased: Int
    /// Prewarmed contexts waiting for a lease.
    public var contextsIdle: Int
    public var contextsWarming: Int
    /// Contexts kept for keep_warm sessions between their calls (counted in `contextsLeased`).
    public var contextsHeld: Int
    /// Held contexts not in a call right now.
    public var contextsParked: Int
    public var queueLength: Int
    public var queueHigh: Int
    public var queueNormal: Int
    public var queueLow: Int
    /// Leases that fit at once on the ready browsers.
    public var capacity: Int
    /// contexts_leased / capacity (0 without capacity).
    public var utilization: Double
    /// Crashed browsers.
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
    /// Browsers of sessions with an on-disk profile.
    public var profileBrowsers: [ProfileBrowser]
    /// Sessions keeping a warm context.
    public var warmSessions: Int
    /// Contexts of renders without a session parked for the next render of their origin.
    public var recycledContexts: Int

    public init(
        browsers: [Browser] = [], readyBrowsers: Int = 0, contextsLeased: Int = 0, contextsIdle: Int = 0,
        contextsWarming: Int = 0, contextsHeld: Int = 0, contextsParked: Int = 0, queueLength: Int = 0,
        queueHigh: Int = 0, queueNormal: Int = 0, queueLow: Int = 0, capacity: Int = 0, utilization: Double = 0,
        restarts: Int = 0, recycled: Int = 0, launches: Int = 0, launchFailures: Int = 0, leasesServed: Int = 0,
        hotLeases: Int = 0, overloadedRejections: Int = 0, queueTimeouts: Int = 0, lastLaunchError: String? = nil,
        shuttingDown: Bool = false, profileBrowsers: [ProfileBrowser] = [], warmSessions: Int = 0,
        recycledContexts: Int = 0
    ) {
        self.browsers = browsers
        self.readyBrowsers = readyBrowsers
        self.contextsLeased = contextsLeased
        self.contextsIdle = contextsIdle
        self.contextsWarming = contextsWarming
        self.contextsHeld = contextsHeld
        self.contextsParked = contextsParked
        self.queueLength = queueLength
        self.queueHigh = queueHigh
        self.queueNormal = queueNormal
        self.queueLow = queueLow
        self.capacity = capacity
        self.utilization = utilization
        self.restarts = restarts
        self.recycled = recycled
        self.launches = launches
        self.launchFailures = launchFailures
        self.leasesServed = leasesServed
        self.hotLeases = hotLeases
        self.overloadedRejections = overloadedRejections
        self.queueTimeouts = queueTimeouts
        self.lastLaunchError = lastLaunchError
        self.shuttingDown = shuttingDown
        self.profileBrowsers = profileBrowsers
        self.warmSessions = warmSessions
        self.recycledContexts = recycledContexts
    }

    enum CodingKeys: String, CodingKey {
        case browsers, capacity, utilization, restarts, recycled, launches
        case readyBrowsers = "ready_browsers"
        case contextsLeased = "contexts_leased"
        case contextsIdle = "contexts_idle"
        case contextsWarming = "contexts_warming"
        case contextsHeld = "contexts_held"
        case contextsParked = "contexts_parked"
        case queueLength = "queue_length"
        case queueHigh = "queue_high"
        case queueNormal = "queue_normal"
        case queueLow = "queue_low"
        case launchFailures = "launch_failures"
        case leasesServed = "leases_served"
        case hotLeases = "hot_leases"
        case overloadedRejections = "overloaded_rejections"
        case queueTimeouts = "queue_timeouts"
        case lastLaunchError = "last_launch_error"
        case shuttingDown = "shutting_down"
        case profileBrowsers = "profile_browsers"
        case warmSessions = "warm_sessions"
        case recycledContexts = "recycled_contexts"
    }

    /// RSS of every browser's process tree, summed.
    public var totalRSSBytes: Int { browsers.compactMap(\.rssBytes).reduce(0, +) }
    /// PSS of every browser's process tree, summed.
    public var totalPSSBytes: Int { browsers.compactMap(\.pssBytes).reduce(0, +) }
}
