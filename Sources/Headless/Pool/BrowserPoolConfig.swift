public import Egress
/// The pool's configuration; the SPEC's defaults (seed values) live in the initializer, nowhere else.
public struct BrowserPoolConfig: Sendable {
    /// Which memory figure `memoryThresholdMB` is compared with.
    public enum MemoryMetric: String, Sendable, Codable {
        /// Proportional set size summed over the browser's process tree (CHROMIUM.md: the honest one).
        case pss
        /// Resident set size summed over the tree (counts shared pages once per process: overstates).
        case rss
    }

    /// Browsers kept running even when idle.
    public var minPoolSize: Int
    /// Browsers at most (draining ones being replaced not counted).
    public var maxPoolSize: Int
    /// Browsers started by `run()` (clamped to min…max).
    public var initialPoolSize: Int
    /// Leases served at once by one browser.
    public var contextsPerBrowser: Int
    /// Idle contexts (context + page attached + `Page.enable` done) kept ready per browser, on top of
    /// the leased ones, so a lease costs microseconds.
    public var prewarmContexts: Int
    /// Window size of the pool's pages (`Target.createTarget`); nil: the browser's own `--window-size`,
    /// 800×600 unless given. `.defaultViewport` spares a default render its resize, but measured no
    /// faster and ≈ 4 % less throughput (the idle prewarmed page is painted at full size): BENCHMARKS.md.
    public var windowSize: WindowSize?
    /// A browser beyond `minPoolSize` with no lease for this long is closed.
    public var idleTimeout: Duration
    /// A browser older than this is drained and replaced.
    public var maxLifetime: Duration
    /// A browser that served this many leases is drained and replaced (0: no limit).
    public var maxLeasesPerBrowser: Int
    public var healthCheckInterval: Duration
    /// A `Browser.getVersion` ping slower than this fails the health check.
    public var healthCheckTimeout: Duration
    /// Per-browser memory limit, measured from /proc over the browser's whole process tree.
    public var memoryThresholdMB: Int
    public var memoryMetric: MemoryMetric
    /// Replace crashed browsers (with exponential backoff).
    public var enableRecovery: Bool
    /// Launch attempts per browser start, and context-open attempts per lease, beyond the first.
    public var maxRetries: Int
    /// Leases waiting at most; one more is refused at once with `overloaded`.
    public var maxQueue: Int
    /// Longest wait in the queue, whatever the caller's deadline.
    public var checkoutTimeout: Duration
    /// First delay before relaunching after a crash or failed launch; doubles per consecutive failure.
    public var restartBackoff: Duration
    public var maxRestartBackoff: Duration
    /// Timeout of each CDP command that opens or disposes a context.
    public var contextTimeout: Duration
    /// How long a graceful shutdown waits for in-flight leases before closing browsers anyway.
    public var shutdownTimeout: Duration
    /// How every pooled browser is launched (engine, executable, extra flags, …).
    public var launch: LaunchOptions
    /// Which addresses renders may connect to: every context's traffic goes through the pool's egress
    /// proxy, which refuses the machine's own networks unless allowed. nil: no egress proxy, browsers
    /// connect by themselves (only for a deployment that confines the browsers otherwise).
    public var egress: EgressPolicy?

    public init(
        minPoolSize: Int = 2,
        maxPoolSize: Int = 10,
        initialPoolSize: Int = 3,
        contextsPerBrowser: Int = 8,
        prewarmContexts: Int = 2,
        windowSize: WindowSize? = nil,
        idleTimeout: Duration = .seconds(120),
        maxLifetime: Duration = .seconds(1800),
        maxLeasesPerBrowser: Int = 0,
        healthCheckInterval: Duration = .seconds(30),
        healthCheckTimeout: Duration = .seconds(5),
        memoryThresholdMB: Int = 512,
        memoryMetric: MemoryMetric = .pss,
        enableRecovery: Bool = true,
        maxRetries: Int = 3,
        maxQueue: Int = 1000,
        checkoutTimeout: Duration = .seconds(30),
        restartBackoff: Duration = .milliseconds(500),
        maxRestartBackoff: Duration = .seconds(30),
        contextTimeout: Duration = .seconds(10),
        shutdownTimeout: Duration = .seconds(30),
        launch: LaunchOptions = LaunchOptions(),
        egress: EgressPolicy? = EgressPolicy()
    ) {
        self.minPoolSize = minPoolSize
        self.maxPoolSize = maxPoolSize
        self.initialPoolSize = initialPoolSize
        self.contextsPerBrowser = contextsPerBrowser
        self.prewarmContexts = prewarmContexts
        self.windowSize = windowSize
        self.idleTimeout = idleTimeout
        self.maxLifetime = maxLifetime
        self.maxLeasesPerBrowser = maxLeasesPerBrowser
        self.healthCheckInterval = healthCheckInterval
        self.healthCheckTimeout = healthCheckTimeout
        self.memoryThresholdMB = memoryThresholdMB
        self.memoryMetric = memoryMetric
        self.enableRecovery = enableRecovery
        self.maxRetries = maxRetries
        self.maxQueue = maxQueue
        self.checkoutTimeout = checkoutTimeout
        self.restartBackoff = restartBackoff
        self.maxRestartBackoff = maxRestartBackoff
        self.contextTimeout = contextTimeout
        self.shutdownTimeout = shutdownTimeout
        self.launch = launch
        self.egress = egress
    }

    /// The same values made consistent: at least one browser and one context, min ≤ initial ≤ max.
    var normalized: BrowserPoolConfig {
        var config = self
        config.maxPoolSize = max(1, maxPoolSize)
        config.minPoolSize = min(max(0, minPoolSize), config.maxPoolSize)
        config.initialPoolSize = min(max(initialPoolSize, config.minPoolSize), config.maxPoolSize)
        config.contextsPerBrowser = max(1, contextsPerBrowser)
        config.prewarmContexts = max(0, prewarmContexts)
        config.maxQueue = max(0, maxQueue)
        config.maxRetries = max(0, maxRetries)
        return config
    }
}
