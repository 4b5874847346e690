import Egress
import Foundation
import Headless
import Rendering
import SessionContext
import SessionContextPostgres

/// One setting of `tidepool serve`: its environment name (SPEC's, or `TIDEPOOL_…`), its flag, and
/// how a text value changes the configuration. Flags and environment variables go through the
/// same table, so they parse and validate alike; defaults stay in the configuration structs and
/// are read off them (`defaultValue`), never written here.
public struct ServerSetting: Sendable {
    /// The environment variable.
    public let environmentName: String
    /// The command-line flag, without `--`.
    public let flag: String
    /// One line for `--help` and docs/operations.md, without the default.
    public let help: String
    /// A yes/no setting: its flag alone means yes (`--allow-private-networks`).
    public let isBoolean: Bool
    let apply: @Sendable (inout TidepoolServer.Configuration, String) throws -> Void
    let read: @Sendable (TidepoolServer.Configuration) -> String?

    init(
        _ environmentName: String, _ flag: String, _ help: String, isBoolean: Bool = false,
        read: @escaping @Sendable (TidepoolServer.Configuration) -> String?,
        apply: @escaping @Sendable (inout TidepoolServer.Configuration, String) throws -> Void
    ) {
        self.environmentName = environmentName
        self.flag = flag
        self.help = help
        self.isBoolean = isBoolean
        self.read = read
        self.apply = apply
    }

    /// What this setting is in `configuration`, spelled as its flag takes it; nil when it is unset (no token).
    public func value(in configuration: TidepoolServer.Configuration) -> String? {
        read(configuration)
    }

    /// The default: the value in `TidepoolServer.Configuration()`, whose initializers hold every default.
    public var defaultValue: String? {
        value(in: TidepoolServer.Configuration())
    }
}

/// Every setting of `tidepool serve`, in the order the docs list them.
public enum ServerSettings {
    public static let all: [ServerSetting] = http + sessions + node + engine + browser

    /// The setting with this environment name.
    public static func named(_ environmentName: String) -> ServerSetting? {
        all.first { $0.environmentName == environmentName }
    }

    /// The setting with this flag (without `--`).
    public static func flagged(_ flag: String) -> ServerSetting? {
        all.first { $0.flag == flag }
    }

    typealias Path<Value> = any WritableKeyPath<TidepoolServer.Configuration, Value> & Sendable
    /// Reads what a browser setting left unset resolves to: the browser pool's own default.
    typealias Effective = @Sendable (TidepoolServer.Configuration) -> any CustomStringConvertible

    static let http: [ServerSetting] = [
        text("TIDEPOOL_HOST", "host", "Address to bind.", \.http.host),
        integer("TIDEPOOL_PORT", "port", "Port to bind; 0 picks a free one.", 0...65_535, \.http.port),
        text(
            "TIDEPOOL_TOKEN", "token", "Bearer token /rpc and /metrics require. Prefer the environment: flags show in ps.",
            \.http.bearerToken
        ),
        text(
            "TIDEPOOL_TENANTS_FILE", "tenants-file",
            "JSON file of tenants and the SHA-256 of their API keys; reloaded on SIGHUP.", \.http.tenantsFile
        ),
        integer("TIDEPOOL_MAX_BODY_BYTES", "max-body-bytes", "Largest /rpc body.", 64...(256 << 20), \.http.maxBodyBytes),
        integer("TIDEPOOL_MAX_BATCH_SIZE", "max-batch-size", "Most calls in one batch.", 1...10_000, \.engine.maxBatchSize),
        integer(
            "TIDEPOOL_BATCH_CONCURRENCY", "batch-concurrency", "Calls of one batch run at once.", 1...1000,
            \.engine.maxConcurrentBatchCalls
        ),
    ]

    static let sessions: [ServerSetting] = [
        text("SESSION_BASE_DIR", "data-dir", "Directory of sessions.sqlite and profiles/.", \.sessions.dataDirectory),
        choice(
            "TIDEPOOL_SESSION_BACKEND", "session-backend",
            "sqlite (persistent, one node), postgres (shared by many nodes) or memory.",
            SessionsConfiguration.Backend.allCases.map(\.rawValue), read: { $0.sessions.backend.rawValue }
        ) { $0.sessions.backend = SessionsConfiguration.Backend(rawValue: $1)! },
        ServerSetting(
            "TIDEPOOL_DATABASE_URL", "database-url",
            "PostgreSQL of the postgres backend: postgres://user:password@host:port/database[?sslmode=disable]. "
                + "Prefer the environment: flags show in ps.",
            read: { configuration in
                configuration.sessions.databaseURL.map { (try? PostgresDatabaseURL($0))?.description ?? hidingPassword($0) }
            }
        ) { configuration, value in
            _ = try databaseURL(value)
            configuration.sessions.databaseURL = value
        },
        integer(
            "SESSION_DEFAULT_TTL_SECS", "session-ttl", "TTL of sessions created without ttl_secs.",
            1...SessionsConfiguration().limits.maxTTLSeconds, \.sessions.defaultTTLSeconds
        ),
        integer(
            "SESSION_MAX_CONCURRENT", "max-sessions", "Most sessions stored at once.", 1...100_000_000,
            \.sessions.maxSessions
        ),
        integer(
            "SESSION_CLEANUP_INTERVAL_SECS", "cleanup-interval", "Seconds between removals of expired sessions.",
            1...86_400, \.sessions.cleanupIntervalSeconds
        ),
        boolean(
            "SESSION_PERSIST_COOKIES", "persist-cookies", "Whether renders write cookies back to their session.",
            \.sessions.persistCookies
        ),
    ]

    static let node: [ServerSetting] = [
        text(
            "TIDEPOOL_NODE_ID", "node-id", "This node's id among the nodes sharing a session database.", \.node.id,
            effective: { $0.node.resolvedID(port: $0.http.port) }
        ),
        ServerSetting(
            "TIDEPOOL_ADVERTISE_URL", "advertise-url", "URL the other nodes reach this node at.",
            read: { $0.node.resolvedAdvertiseURL(port: $0.http.port) }
        ) { configuration, value in
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError(setting: "TIDEPOOL_ADVERTISE_URL", value: value, expected: "an http:// or https:// URL")
            }
            configuration.node.advertiseURL = value
        },
        integer(
            "TIDEPOOL_HEARTBEAT_INTERVAL_MS", "heartbeat-interval-ms",
            "Milliseconds between this node's heartbeats in the nodes table (postgres backend).", 100...60_000,
            \.node.heartbeatIntervalMs
        ),
        integer(
            "TIDEPOOL_NODE_TIMEOUT_MS", "node-timeout-ms",
            "Milliseconds without a heartbeat after which a node counts as gone and its sessions are taken over; "
                + "more than the heartbeat interval.", 200...3_600_000, \.node.nodeTimeoutMs
        ),
        integer(
            "TIDEPOOL_LEASE_MS", "lease-ms",
            "Milliseconds a session's cluster-wide lease lasts unless renewed: the longest a dead node keeps a session.",
            300...3_600_000, \.node.leaseDurationMs
        ),
    ]

    static let engine: [ServerSetting] = [
        choice(
            "TIDEPOOL_ENGINE", "engine", "Browser engine: headless-shell or chromium.", BrowserSettings.engines,
            read: { $0.browserPool.launch.engine.rawValue }
        ) { $0.browser.engine = $1 }
    ]

    static let browser: [ServerSetting] = [
        integer(
            "BROWSER_MIN_POOL_SIZE", "min-pool-size", "Fewest browsers kept running.", 0...256, \.browser.minPoolSize
        ) { $0.browserPool.minPoolSize },
        integer(
            "BROWSER_MAX_POOL_SIZE", "max-pool-size", "Most browsers running.", 1...256, \.browser.maxPoolSize
        ) { $0.browserPool.maxPoolSize },
        integer(
            "BROWSER_INITIAL_POOL_SIZE", "initial-pool-size", "Browsers started at launch.", 0...256,
            \.browser.initialPoolSize
        ) { $0.browserPool.initialPoolSize },
        integer(
            "BROWSER_CONTEXTS_PER_BROWSER", "contexts-per-browser", "Renders one browser serves at once.", 1...256,
            \.browser.contextsPerBrowser
        ) { $0.browserPool.contextsPerBrowser },
        integer(
            "BROWSER_IDLE_TIMEOUT_SECS", "browser-idle-timeout", "Seconds before an idle browser closes.", 1...86_400,
            \.browser.idleTimeoutSeconds
        ) { $0.browserPool.idleTimeout.components.seconds },
        integer(
            "BROWSER_MAX_LIFETIME_SECS", "browser-max-lifetime", "Seconds before a browser is recycled.", 1...604_800,
            \.browser.maxLifetimeSeconds
        ) { $0.browserPool.maxLifetime.components.seconds },
        integer(
            "BROWSER_MEMORY_THRESHOLD_MB", "browser-memory-threshold-mb", "Memory (MB) above which a browser is recycled.",
            16...1_048_576, \.browser.memoryThresholdMB
        ) { $0.browserPool.memoryThresholdMB },
        text("CHROME_EXECUTABLE_PATH", "chrome-path", "Chromium binary to run.", \.browser.executablePath) {
            $0.browserPool.launch.executablePath ?? $0.browserPool.launch.engine.installedBinary
        },
        ServerSetting(
            "CHROME_USER_DATA_DIR", "chrome-user-data-dir", "Root of named browser profiles.",
            read: { $0.sessions.profilesDirectory }
        ) { configuration, value in
            let directory = try text(value, "CHROME_USER_DATA_DIR")
            configuration.browser.userDataDirectory = directory
            configuration.sessions.profilesRoot = directory
        },
        boolean("CHROME_NO_SANDBOX", "chrome-no-sandbox", "Pass --no-sandbox (needed as root).", \.browser.noSandbox) {
            switch $0.browserPool.launch.sandbox {
            case .automatic: "automatic: true as root"
            case .enabled: "false"
            case .disabled: "true"
            }
        },
        integer(
            "TIDEPOOL_MAX_PROFILE_BROWSERS", "max-profile-browsers", "Browsers of named profiles running at once.",
            1...256, \.render.maxProfileBrowsers
        ),
        integer(
            "TIDEPOOL_MAX_CDP_BROWSERS", "max-cdp-browsers",
            "Hand-offs at once: sessions handed to CDP clients (session.connect, a browser each) and live views (live.create).",
            1...256, \.render.maxCDPBrowsers
        ),
        integer(
            "TIDEPOOL_RECYCLE_MAX_USES", "recycle-max-uses",
            "Renders without a session one recycled context serves at most (same origin, reset in between); 1 turns recycling off.",
            1...10_000, \.render.recycleMaxUses
        ),
        ServerSetting(
            "TIDEPOOL_ALLOW_NETWORKS", "allow-network",
            "Networks renders may reach although the egress policy refuses them (comma-separated, e.g. 127.0.0.1/32,10.8.0.0/16).",
            read: { configuration in
                let allowed = configuration.browserPool.egress?.allowed ?? []
                return allowed.isEmpty ? "none" : allowed.map(\.description).joined(separator: ",")
            }
        ) { configuration, value in
            do {
                configuration.browser.allowNetworks = try EgressPolicy.networks(value)
            } catch {
                throw ConfigurationError(setting: "TIDEPOOL_ALLOW_NETWORKS", value: value, expected: "\(error)")
            }
        },
        boolean(
            "TIDEPOOL_ALLOW_PRIVATE_NETWORKS", "allow-private-networks",
            "Let renders reach loopback and private networks (a developer's machine; never a shared service).",
            \.browser.allowPrivateNetworks
        ) { $0.browserPool.egress?.allowPrivateNetworks ?? true },
    ]

    // MARK: Kinds of setting

    static func text(_ name: String, _ flag: String, _ help: String, _ path: Path<String>) -> ServerSetting {
        ServerSetting(name, flag, help, read: { $0[keyPath: path] }) { $0[keyPath: path] = try text($1, name) }
    }

    /// An optional text; unset reads as `effective` when given, else as no value.
    static func text(
        _ name: String, _ flag: String, _ help: String, _ path: Path<String?>, effective: Effective? = nil
    ) -> ServerSetting {
        ServerSetting(name, flag, help, read: reading(path, effective)) { $0[keyPath: path] = try text($1, name) }
    }

    static func integer(
        _ name: String, _ flag: String, _ help: String, _ range: ClosedRange<Int>, _ path: Path<Int>
    ) -> ServerSetting {
        ServerSetting(name, flag, help, read: { "\($0[keyPath: path])" }) {
            $0[keyPath: path] = try integer($1, name, range)
        }
    }

    /// An optional integer; unset reads as `effective`.
    static func integer(
        _ name: String, _ flag: String, _ help: String, _ range: ClosedRange<Int>, _ path: Path<Int?>,
        effective: @escaping Effective
    ) -> ServerSetting {
        ServerSetting(name, flag, help, read: reading(path, effective)) { $0[keyPath: path] = try integer($1, name, range) }
    }

    static func boolean(_ name: String, _ flag: String, _ help: String, _ path: Path<Bool>) -> ServerSetting {
        ServerSetting(name, flag, help, isBoolean: true, read: { "\($0[keyPath: path])" }) {
            $0[keyPath: path] = try boolean($1, name)
        }
    }

    /// An optional boolean; unset reads as `effective`.
    static func boolean(
        _ name: String, _ flag: String, _ help: String, _ path: Path<Bool?>, effective: @escaping Effective
    ) -> ServerSetting {
        ServerSetting(name, flag, help, isBoolean: true, read: reading(path, effective)) {
            $0[keyPath: path] = try boolean($1, name)
        }
    }

    /// A setting that takes one of `options`; `apply` gets a value known to be one of them.
    static func choice(
        _ name: String, _ flag: String, _ help: String, _ options: [String],
        read: @escaping @Sendable (TidepoolServer.Configuration) -> String,
        _ apply: @escaping @Sendable (inout TidepoolServer.Configuration, String) -> Void
    ) -> ServerSetting {
        ServerSetting(name, flag, help, read: read) { configuration, value in
            guard options.contains(value) else {
                throw ConfigurationError(setting: name, value: value, expected: options.joined(separator: " or "))
            }
            apply(&configuration, value)
        }
    }

    /// Reads an optional setting: its own value when set, else what it resolves to (`effective`).
    static func reading<Value>(
        _ path: Path<Value?>, _ effective: Effective?
    ) -> @Sendable (TidepoolServer.Configuration) -> String? {
        { configuration in
            if let value = configuration[keyPath: path] { return "\(value)" }
            return effective.map { "\($0(configuration))" }
        }
    }

    // MARK: Parsing

    /// The postgres backend's database, parsed; `ConfigurationError` naming TIDEPOOL_DATABASE_URL
    /// when it is missing or malformed (its message shows the URL with the password hidden).
    static func databaseURL(_ text: String?) throws(ConfigurationError) -> PostgresDatabaseURL {
        guard let text, !text.isEmpty else {
            throw ConfigurationError(
                setting: "TIDEPOOL_DATABASE_URL", value: "",
                expected: "a postgres:// URL (TIDEPOOL_SESSION_BACKEND=postgres needs one)"
            )
        }
        do {
            return try PostgresDatabaseURL(text)
        } catch {
            throw ConfigurationError(setting: "TIDEPOOL_DATABASE_URL", value: hidingPassword(text), expected: error.reason)
        }
    }

    /// `text` with whatever stands between `user:` and `@` replaced by `***`, for a URL too
    /// malformed to parse.
    static func hidingPassword(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].lastIndex(of: "@"),
            let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }

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

    /// Whether `text` spells yes or no (what a yes/no flag may be followed by).
    static func isBooleanWord(_ text: String) -> Bool {
        ["1", "true", "yes", "on", "0", "false", "no", "off"].contains(text.lowercased())
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
    /// The defaults, then `environment`, then `flags` (both keyed by environment name; see
    /// `ServerSettings.values(fromFlags:)`): a flag wins over its variable. Throws
    /// `ConfigurationError` naming the bad setting.
    public init(environment: [String: String], flags: [String: String] = [:]) throws {
        self.init()
        try apply(environment)
        try apply(flags)
        guard node.nodeTimeout > node.heartbeatInterval else {
            throw ConfigurationError(
                setting: "TIDEPOOL_NODE_TIMEOUT_MS", value: "\(node.nodeTimeoutMs)",
                expected: "more than TIDEPOOL_HEARTBEAT_INTERVAL_MS (\(node.heartbeatIntervalMs))")
        }
    }

    /// Applies `values` keyed by environment name; names no setting uses are ignored (the whole
    /// process environment may be passed). Throws `ConfigurationError` naming the bad setting.
    public mutating func apply(_ values: [String: String]) throws {
        for setting in ServerSettings.all {
            guard let value = values[setting.environmentName] else { continue }
            try setting.apply(&self, value)
        }
    }

    /// The browser pool's configuration with the browser settings applied: what an unset browser
    /// setting resolves to.
    fileprivate var browserPool: BrowserPoolConfig { browser.applied() }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
