/// Browser settings given on the command line or in the environment (SPEC's BROWSER_* and
/// CHROME_* names). Each is an override: nil keeps the browser pool's own default.
///
/// The browser pool (Headless) is not part of the server yet; these are parsed and validated
/// now so the command line is stable, and the render work maps them onto the pool's config.
public struct BrowserSettings: Sendable, Hashable {
    /// `headless-shell` or `chromium` (TIDEPOOL_ENGINE).
    public var engine: String?
    public var minPoolSize: Int?
    public var maxPoolSize: Int?
    public var initialPoolSize: Int?
    public var idleTimeoutSeconds: Int?
    public var maxLifetimeSeconds: Int?
    public var memoryThresholdMB: Int?
    public var executablePath: String?
    public var userDataDirectory: String?
    public var noSandbox: Bool?

    public init() {}

    /// Whether any browser setting was given.
    public var isEmpty: Bool { self == BrowserSettings() }

    /// Engines the browser pool knows.
    public static let engines = ["headless-shell", "chromium"]
}
