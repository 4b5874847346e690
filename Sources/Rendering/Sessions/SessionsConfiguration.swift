public import SessionContext

/// How the server keeps sessions; defaults are the documented ones (docs/operations.md).
public struct SessionsConfiguration: Sendable {
    /// Where session records live.
    public enum Backend: String, Sendable, CaseIterable {
        /// SQLite under `dataDirectory` (survives restarts and kill -9; one node).
        case sqlite
        /// PostgreSQL at `databaseURL`, shared by every node that names the same database.
        case postgres
        /// Process memory only (tests, throwaway servers).
        case memory
    }

    public var backend: Backend
    /// The database of the `postgres` backend, `postgres://user:password@host:port/database`
    /// (TIDEPOOL_DATABASE_URL). Its password is never logged nor shown.
    public var databaseURL: String?
    /// Holds `sessions.sqlite` and `profiles/`.
    public var dataDirectory: String
    /// TTL of sessions created without `ttl_secs` (SESSION_DEFAULT_TTL_SECS).
    public var defaultTTLSeconds: Int
    /// How often expired sessions are removed (SESSION_CLEANUP_INTERVAL_SECS).
    public var cleanupInterval: Duration
    /// Most sessions the store holds; `session.create` beyond it gets -32007 (SESSION_MAX_CONCURRENT).
    public var maxSessions: Int
    /// Whether renders write the context's cookies back to the session (SESSION_PERSIST_COOKIES).
    public var persistCookies: Bool
    /// Bounds of one session: ttl, metadata, cookies, localStorage.
    public var limits: SessionLimits
    /// How long the session count shown by health may be reused before the store is asked again.
    public var healthCountMaxAge: Duration
    /// The root of named profiles when not `<dataDirectory>/profiles` (CHROME_USER_DATA_DIR).
    public var profilesRoot: String?
    /// How often usage totals added since the last write reach the store (and what a process
    /// killed with SIGKILL can lose at most); graceful shutdown writes the rest.
    public var usageFlushInterval: Duration = .seconds(1)

    public init(
        backend: Backend = .sqlite, databaseURL: String? = nil, dataDirectory: String = "./.tidepool",
        defaultTTLSeconds: Int = 86_400,
        cleanupInterval: Duration = .seconds(60), maxSessions: Int = 100_000, persistCookies: Bool = true,
        limits: SessionLimits = SessionLimits(), healthCountMaxAge: Duration = .seconds(1)
    ) {
        self.backend = backend
        self.databaseURL = databaseURL
        self.dataDirectory = dataDirectory
        self.defaultTTLSeconds = defaultTTLSeconds
        self.cleanupInterval = cleanupInterval
        self.maxSessions = maxSessions
        self.persistCookies = persistCookies
        self.limits = limits
        self.healthCountMaxAge = healthCountMaxAge
    }

    /// `cleanupInterval` in whole seconds (how the command line sets it).
    public var cleanupIntervalSeconds: Int {
        get { Int(cleanupInterval.components.seconds) }
        set { cleanupInterval = .seconds(newValue) }
    }

    /// The SQLite database file.
    public var databasePath: String { dataDirectory + "/sessions.sqlite" }
    /// The root under which named Chromium profiles live.
    public var profilesDirectory: String { profilesRoot ?? dataDirectory + "/profiles" }
}
