public import Egress
public import Headless

/// Browser settings given on the command line or in the environment (SPEC's BROWSER_* and
/// CHROME_* names). Each is an override: nil keeps the browser pool's own default.
public struct BrowserSettings: Sendable, Hashable {
    /// `headless-shell` or `chromium` (TIDEPOOL_ENGINE).
    public var engine: String?
    public var minPoolSize: Int?
    public var maxPoolSize: Int?
    public var initialPoolSize: Int?
    public var contextsPerBrowser: Int?
    public var idleTimeoutSeconds: Int?
    public var maxLifetimeSeconds: Int?
    public var memoryThresholdMB: Int?
    public var executablePath: String?
    /// Root of named profiles (CHROME_USER_DATA_DIR); also sets `SessionsConfiguration.profilesRoot`.
    public var userDataDirectory: String?
    public var noSandbox: Bool?
    /// Networks the egress policy lets renders reach although it refuses them (TIDEPOOL_ALLOW_NETWORKS).
    public var allowNetworks: [IPNetwork]?
    /// Let renders reach loopback and private networks (TIDEPOOL_ALLOW_PRIVATE_NETWORKS).
    public var allowPrivateNetworks: Bool?

    public init() {}

    /// Whether any browser setting was given.
    public var isEmpty: Bool { self == BrowserSettings() }

    /// Engines the browser pool knows.
    public static let engines = ["headless-shell", "chromium"]

    /// `base` (by default the pool sized for this machine) with every setting given here applied
    /// (the pool normalizes min ≤ initial ≤ max).
    public func applied(to base: BrowserPoolConfig = .sized(for: .current())) -> BrowserPoolConfig {
        var config = base
        if let engine, let parsed = BrowserEngine(rawValue: engine) { config.launch.engine = parsed }
        if let minPoolSize { config.minPoolSize = minPoolSize }
        if let maxPoolSize { config.maxPoolSize = maxPoolSize }
        if let initialPoolSize { config.initialPoolSize = initialPoolSize }
        if let contextsPerBrowser { config.contextsPerBrowser = contextsPerBrowser }
        if let idleTimeoutSeconds { config.idleTimeout = .seconds(idleTimeoutSeconds) }
        if let maxLifetimeSeconds { config.maxLifetime = .seconds(maxLifetimeSeconds) }
        if let memoryThresholdMB { config.memoryThresholdMB = memoryThresholdMB }
        if let executablePath { config.launch.executablePath = executablePath }
        if let noSandbox { config.launch.sandbox = noSandbox ? .disabled : .enabled }
        if allowNetworks != nil || allowPrivateNetworks != nil, var policy = config.egress {
            if let allowNetworks { policy.allowed = allowNetworks }
            if let allowPrivateNetworks { policy.allowPrivateNetworks = allowPrivateNetworks }
            config.egress = policy
        }
        return config
    }
}
