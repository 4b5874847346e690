/// One setting of `tidepool serve`: its environment name (SPEC's, or `TIDEPOOL_…`), its flag, and
/// how a text value changes the configuration. Flags and environment variables go through the
/// same table, so they parse and validate alike; defaults stay in the configuration structs.
public struct ServerSetting: Sendable {
    /// The environment variable.
    public let environmentName: String
    /// The command-line flag, without `--`.
    public let flag: String
    /// One line for `--help` and docs/operations.md.
    public let help: String
    let apply: @Sendable (inout TidepoolServer.Configuration, String) throws -> Void
}

/// Every setting of `tidepool serve`, in the order the docs list them.
public enum ServerSettings {
    public static let all: [ServerSetting] = http + sessions + engine + browser

    /// The setting with this environment name.
    public static func named(_ environmentName: String) -> ServerSetting? {
        all.first { $0.environmentName == environmentName }
    }

    static let http: [ServerSetting] = [
        ServerSetting(environmentName: "TIDEPOOL_HOST", flag: "host", help: "Address to bind (default 127.0.0.1).") {
            $0.http.host = try text($1, "TIDEPOOL_HOST")
        },
        ServerSetting(environmentName: "TIDEPOOL_PORT", flag: "port", help: "Port to bind; 0 picks a free one (default 9123).") {
            $0.http.port = try integer($1, "TIDEPOOL_PORT", 0...65_535)
        },
        ServerSetting(
            environmentName: "TIDEPOOL_TOKEN", flag: "token",
            help: "Bearer token /rpc and /metrics require (default none). Prefer the environment: flags show in ps."
        ) { $0.http.bearerToken = try text($1, "TIDEPOOL_TOKEN") },
        ServerSetting(
            environmentName: "TIDEPOOL_MAX_BODY_BYTES", flag: "max-body-bytes", help: "Largest /rpc body (default 1048576)."
        ) { $0.http.maxBodyBytes = try integer($1, "TIDEPOOL_MAX_BODY_BYTES", 64...(256 << 20)) },
        ServerSetting(
            environmentName: "TIDEPOOL_MAX_BATCH_SIZE", flag: "max-batch-size", help: "Most calls in one batch (default 100)."
        ) { $0.engine.maxBatchSize = try integer($1, "TIDEPOOL_MAX_BATCH_SIZE", 1...10_000) },
        ServerSetting(
            environmentName: "TIDEPOOL_BATCH_CONCURRENCY", flag: "batch-concurrency",
            help: "Calls of one batch run at once (default 8)."
        ) { $0.engine.maxConcurrentBatchCalls = try integer($1, "TIDEPOOL_BATCH_CONCURRENCY", 1...1000) },
    ]

    static let sessions: [ServerSetting] = [
        ServerSetting(
            environmentName: "SESSION_BASE_DIR", flag: "data-dir",
            help: "Directory of sessions.sqlite and profiles/ (default ./.tidepool)."
        ) { $0.sessions.dataDirectory = try text($1, "SESSION_BASE_DIR") },
        ServerSetting(
            environmentName: "TIDEPOOL_SESSION_BACKEND", flag: "session-backend",
            help: "sqlite (default, persistent) or memory."
        ) { configuration, value in
            guard let backend = SessionsConfiguration.Backend(rawValue: value) else {
                throw ConfigurationError(setting: "TIDEPOOL_SESSION_BACKEND", value: value, expected: "sqlite or memory")
            }
            configuration.sessions.backend = backend
        },
        ServerSetting(
            environmentName: "SESSION_DEFAULT_TTL_SECS", flag: "session-ttl",
            help: "TTL of sessions created without ttl_secs (default 86400, at most 2592000)."
        ) { configuration, value in
            let limit = configuration.sessions.limits.maxTTLSeconds
            configuration.sessions.defaultTTLSeconds = try integer(value, "SESSION_DEFAULT_TTL_SECS", 1...limit)
        },
        ServerSetting(
            environmentName: "SESSION_MAX_CONCURRENT", flag: "max-sessions",
            help: "Most sessions stored at once (default 100000)."
        ) { $0.sessions.maxSessions = try integer($1, "SESSION_MAX_CONCURRENT", 1...100_000_000) },
        ServerSetting(
            environmentName: "SESSION_CLEANUP_INTERVAL_SECS", flag: "cleanup-interval",
            help: "Seconds between removals of expired sessions (default 60)."
        ) { $0.sessions.cleanupInterval = .seconds(try integer($1, "SESSION_CLEANUP_INTERVAL_SECS", 1...86_400)) },
        ServerSetting(
            environmentName: "SESSION_PERSIST_COOKIES", flag: "persist-cookies",
            help: "Whether renders write cookies back to their session (default true)."
        ) { $0.sessions.persistCookies = try boolean($1, "SESSION_PERSIST_COOKIES") },
    ]

    static let engine: [ServerSetting] = [
        ServerSetting(
            environmentName: "TIDEPOOL_ENGINE", flag: "engine", help: "Browser engine: headless-shell (default) or chromium."
        ) { configuration, value in
            guard BrowserSettings.engines.contains(value) else {
                throw ConfigurationError(setting: "TIDEPOOL_ENGINE", value: value, expected: "headless-shell or chromium")
            }
            configuration.browser.engine = value
        }
    ]

    static let browser: [ServerSetting] = [
        ServerSetting(environmentName: "BROWSER_MIN_POOL_SIZE", flag: "min-pool-size", help: "Fewest browsers kept running.") {
            $0.browser.minPoolSize = try integer($1, "BROWSER_MIN_POOL_SIZE", 0...256)
        },
        ServerSetting(environmentName: "BROWSER_MAX_POOL_SIZE", flag: "max-pool-size", help: "Most browsers running.") {
            $0.browser.maxPoolSize = try integer($1, "BROWSER_MAX_POOL_SIZE", 1...256)
        },
        ServerSetting(
            environmentName: "BROWSER_INITIAL_POOL_SIZE", flag: "initial-pool-size", help: "Browsers started at launch."
        ) { $0.browser.initialPoolSize = try integer($1, "BROWSER_INITIAL_POOL_SIZE", 0...256) },
        ServerSetting(
            environmentName: "BROWSER_IDLE_TIMEOUT_SECS", flag: "browser-idle-timeout", help: "Seconds before an idle browser closes."
        ) { $0.browser.idleTimeoutSeconds = try integer($1, "BROWSER_IDLE_TIMEOUT_SECS", 1...86_400) },
        ServerSetting(
            environmentName: "BROWSER_MAX_LIFETIME_SECS", flag: "browser-max-lifetime", help: "Seconds before a browser is recycled."
        ) { $0.browser.maxLifetimeSeconds = try integer($1, "BROWSER_MAX_LIFETIME_SECS", 1...604_800) },
        ServerSetting(
            environmentName: "BROWSER_MEMORY_THRESHOLD_MB", flag: "browser-memory-threshold-mb",
            help: "Memory (MB) above which a browser is recycled."
        ) { $0.browser.memoryThresholdMB = try integer($1, "BROWSER_MEMORY_THRESHOLD_MB", 16...1_048_576) },
        ServerSetting(environmentName: "CHROME_EXECUTABLE_PATH", flag: "chrome-path", help: "Chromium binary to run.") {
            $0.browser.executablePath = try text($1, "CHROME_EXECUTABLE_PATH")
        },
        ServerSetting(
            environmentName: "CHROME_USER_DATA_DIR", flag: "chrome-user-data-dir", help: "Root of named browser profiles."
        ) { $0.browser.userDataDirectory = try text($1, "CHROME_USER_DATA_DIR") },
        ServerSetting(environmentName: "CHROME_NO_SANDBOX", flag: "chrome-no-sandbox", help: "Pass --no-sandbox (needed as root).") {
            $0.browser.noSandbox = try boolean($1, "CHROME_NO_SANDBOX")
        },
    ]

    // MARK: Parsing

    static func text(_ value: String, _ name: String) throws(ConfigurationError) -> String {
        guard !value.isEmpty else { throw ConfigurationError(setting: name, value: value, expected: "a non-empty value") }
        return value
    }

    static func integer(_ value: String, _ name: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let number = Int(value.trimmingWhitespace), range.contains(number) else {
            throw ConfigurationError(
                setting: name, value: value, expected: "an integer from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return number
    }

    static func boolean(_ value: String, _ name: String) throws(ConfigurationError) -> Bool {
        switch value.trimmingWhitespace.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigurationError(setting: name, value: value, expected: "true or false")
        }
    }
}

extension TidepoolServer.Configuration {
    /// Applies `values` keyed by environment name; names no setting uses are ignored (the whole
    /// process environment may be passed). Throws `ConfigurationError` naming the bad setting.
    public mutating func apply(_ values: [String: String]) throws {
        for setting in ServerSettings.all {
            guard let value = values[setting.environmentName] else { continue }
            try setting.apply(&self, value)
        }
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
