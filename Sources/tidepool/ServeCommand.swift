import ArgumentParser
import Foundation
import Headless
import Logging
import RpcServer
import ServiceLifecycle

/// `tidepool serve`: flags, then the environment (SPEC's names), then the defaults of the
/// configuration structs. The browser pool runs in the server's service group. SIGTERM and SIGINT
/// shut down gracefully: in-flight requests finish, every browser closes, then the session store
/// is closed.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the JSON-RPC server (POST /rpc, GET /health, GET /metrics, GET /openrpc.json).",
        discussion: """
            Every option can also come from the environment variable named in its help; a flag wins over \
            the environment. See docs/operations.md.
            """
    )

    @Option(help: help("TIDEPOOL_HOST")) var host: String?
    @Option(help: help("TIDEPOOL_PORT")) var port: String?
    @Option(help: help("TIDEPOOL_TOKEN")) var token: String?
    @Option(help: help("TIDEPOOL_MAX_BODY_BYTES")) var maxBodyBytes: String?
    @Option(help: help("TIDEPOOL_MAX_BATCH_SIZE")) var maxBatchSize: String?
    @Option(help: help("TIDEPOOL_BATCH_CONCURRENCY")) var batchConcurrency: String?
    @Option(help: help("SESSION_BASE_DIR")) var dataDir: String?
    @Option(help: help("TIDEPOOL_SESSION_BACKEND")) var sessionBackend: String?
    @Option(help: help("SESSION_DEFAULT_TTL_SECS")) var sessionTtl: String?
    @Option(help: help("SESSION_MAX_CONCURRENT")) var maxSessions: String?
    @Option(help: help("SESSION_CLEANUP_INTERVAL_SECS")) var cleanupInterval: String?
    @Option(help: help("SESSION_PERSIST_COOKIES")) var persistCookies: String?
    @Option(help: help("TIDEPOOL_ENGINE")) var engine: String?
    @Option(help: help("BROWSER_MIN_POOL_SIZE")) var minPoolSize: String?
    @Option(help: help("BROWSER_MAX_POOL_SIZE")) var maxPoolSize: String?
    @Option(help: help("BROWSER_INITIAL_POOL_SIZE")) var initialPoolSize: String?
    @Option(help: help("BROWSER_IDLE_TIMEOUT_SECS")) var browserIdleTimeout: String?
    @Option(help: help("BROWSER_MAX_LIFETIME_SECS")) var browserMaxLifetime: String?
    @Option(help: help("BROWSER_MEMORY_THRESHOLD_MB")) var browserMemoryThresholdMb: String?
    @Option(help: help("CHROME_EXECUTABLE_PATH")) var chromePath: String?
    @Option(help: help("CHROME_USER_DATA_DIR")) var chromeUserDataDir: String?
    @Option(help: help("CHROME_NO_SANDBOX")) var chromeNoSandbox: String?
    @Option(help: help("TIDEPOOL_MAX_PROFILE_BROWSERS")) var maxProfileBrowsers: String?
    @Option(help: "trace, debug, info, notice, warning, error or critical [env: TIDEPOOL_LOG_LEVEL] (default info).")
    var logLevel: String?

    /// The flags given, keyed by the environment name of their setting.
    var flagValues: [String: String] {
        let flags: [String: String?] = [
            "TIDEPOOL_HOST": host, "TIDEPOOL_PORT": port, "TIDEPOOL_TOKEN": token,
            "TIDEPOOL_MAX_BODY_BYTES": maxBodyBytes, "TIDEPOOL_MAX_BATCH_SIZE": maxBatchSize,
            "TIDEPOOL_BATCH_CONCURRENCY": batchConcurrency, "SESSION_BASE_DIR": dataDir,
            "TIDEPOOL_SESSION_BACKEND": sessionBackend, "SESSION_DEFAULT_TTL_SECS": sessionTtl,
            "SESSION_MAX_CONCURRENT": maxSessions, "SESSION_CLEANUP_INTERVAL_SECS": cleanupInterval,
            "SESSION_PERSIST_COOKIES": persistCookies, "TIDEPOOL_ENGINE": engine,
            "BROWSER_MIN_POOL_SIZE": minPoolSize, "BROWSER_MAX_POOL_SIZE": maxPoolSize,
            "BROWSER_INITIAL_POOL_SIZE": initialPoolSize, "BROWSER_IDLE_TIMEOUT_SECS": browserIdleTimeout,
            "BROWSER_MAX_LIFETIME_SECS": browserMaxLifetime, "BROWSER_MEMORY_THRESHOLD_MB": browserMemoryThresholdMb,
            "CHROME_EXECUTABLE_PATH": chromePath, "CHROME_USER_DATA_DIR": chromeUserDataDir,
            "CHROME_NO_SANDBOX": chromeNoSandbox, "TIDEPOOL_MAX_PROFILE_BROWSERS": maxProfileBrowsers,
        ]
        assert(Set(flags.keys) == Set(ServerSettings.all.map(\.environmentName)), "every setting needs its flag")
        return flags.compactMapValues { $0 }
    }

    func run() async throws {
        try await serve()
    }

    /// Resolves the configuration, opens the store and serves until SIGTERM or SIGINT.
    func serve() async throws {
        let environment = ProcessInfo.processInfo.environment
        var configuration = TidepoolServer.Configuration()
        let level: Logger.Level
        do {
            try configuration.apply(environment)
            try configuration.apply(flagValues)
            level = try Self.logLevel(logLevel ?? environment["TIDEPOOL_LOG_LEVEL"] ?? "info")
        } catch {
            Self.fail("\(error)", code: 2)
        }
        if let maxProfileBrowsers = configuration.browser.maxProfileBrowsers {
            configuration.render.maxProfileBrowsers = maxProfileBrowsers
        }
        let poolConfig = configuration.browser.applied()
        do throws(LaunchError) {
            // No browser, no server: one clear line naming the package to install.
            _ = try ExecutableLocator.locate(
                engine: poolConfig.launch.engine, explicitPath: poolConfig.launch.executablePath, environment: environment)
        } catch {
            let engine = poolConfig.launch.engine
            let hint = "apt-get install -y --no-install-recommends \(engine.aptPackage)"
            let message = "\(error)"
            Self.fail(message.contains("apt-get") ? message : "\(message); install Chromium with: \(hint)", code: 3)
        }
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, level: level) }
        let logger = Logger(label: "tidepool")
        let pool = BrowserPool(config: poolConfig, logger: Logger(label: "tidepool.pool"))

        let server: TidepoolServer
        do {
            server = try await TidepoolServer.make(configuration: configuration, pool: pool, logger: logger)
        } catch {
            Self.fail("cannot open the session store in \(configuration.sessions.dataDirectory): \(error)", code: 1)
        }
        let host = configuration.http.host
        let application = server.application { channel in
            // The one line scripts and tests wait for; the port is the bound one (also for --port 0).
            let line = "tidepool listening on http://\(host):\(channel.localAddress?.port ?? 0)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
            )
        )
        try await group.run()
        logger.info("tidepool stopped")
    }

    static func help(_ environmentName: String) -> ArgumentHelp {
        let text = ServerSettings.named(environmentName)?.help ?? ""
        return ArgumentHelp("\(text) [env: \(environmentName)]")
    }

    static func logLevel(_ text: String) throws -> Logger.Level {
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ConfigurationError(
                setting: "TIDEPOOL_LOG_LEVEL", value: text,
                expected: "trace, debug, info, notice, warning, error or critical"
            )
        }
        return level
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("tidepool: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
