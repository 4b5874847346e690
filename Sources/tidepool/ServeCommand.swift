import ArgumentParser
import Foundation
import Headless
import Logging
import NIOCore
import Rendering
import RpcServer
import ServiceLifecycle
import UnixSignals

/// `tidepool serve`: flags, then the environment (SPEC's names), then the defaults of the
/// configuration structs. The browser pool runs in the server's service group. SIGTERM and SIGINT
/// shut down gracefully: in-flight requests finish, every browser closes, then the session store
/// is closed. With a tenants file, SIGHUP reads it again.
///
/// The settings are the rows of `ServerSettings`, not options declared here: ArgumentParser cannot
/// declare options from a table, so it collects them unparsed and the table parses them (`validate`
/// refuses an unknown flag as a usage error); the help lists them from the same table.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the JSON-RPC server (POST /rpc, GET /health, GET /metrics, GET /openrpc.json).",
        usage: "tidepool serve [--<setting> <value>]... [--log-level <level>]",
        discussion: ServeHelp.settings
    )

    @OptionGroup var logging: LogOptions

    /// The settings given, as typed: `--flag value` or `--flag=value` (see `ServerSettings.values(fromFlags:)`).
    @Argument(parsing: .allUnrecognized, help: .hidden) var settings: [String] = []

    mutating func validate() throws {
        do {
            _ = try ServerSettings.values(fromFlags: settings)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        try await serve()
    }

    /// Resolves the configuration, opens the store and serves until SIGTERM or SIGINT.
    func serve() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration: TidepoolServer.Configuration
        let level: Logger.Level
        do {
            configuration = try TidepoolServer.Configuration(
                environment: environment, flags: ServerSettings.values(fromFlags: settings))
            level = try logging.level(in: environment)
        } catch {
            Self.fail("\(error)", code: 2)
        }
        // A tenants file that cannot be used is a configuration error like a bad flag: refused
        // before anything starts (the server reads it again when it is made, and on SIGHUP).
        if let path = configuration.http.tenantsFile {
            do {
                _ = try TenantsFile.load(path: path)
            } catch {
                Self.fail("\(error)", code: 2)
            }
        }
        let machine = MachineCapacity.current()
        let poolConfig = configuration.browser.applied(to: .sized(for: machine))
        // No browser, no server: one clear line naming the package to install.
        if let missing = BrowserCheck.missingBrowser(poolConfig, environment: environment) {
            Self.fail(missing, code: 3)
        }
        LogOptions.bootstrap(level)
        let logger = Logger(label: "tidepool")
        // What the pool was sized to, and whether the operator chose any of it.
        let given = [
            ("min-pool-size", configuration.browser.minPoolSize), ("max-pool-size", configuration.browser.maxPoolSize),
            ("initial-pool-size", configuration.browser.initialPoolSize),
            ("contexts-per-browser", configuration.browser.contextsPerBrowser),
        ].filter { $0.1 != nil }.map(\.0)
        logger.info(
            "\(poolConfig.sizingSummary(for: machine))",
            metadata: ["pool.sizes": .string(given.isEmpty ? "derived from the machine" : "given: " + given.joined(separator: ", "))])
        // One registry for /metrics: the pool counts into it too.
        let metrics = ServerMetrics()
        let pool = BrowserPool(config: poolConfig, metrics: metrics.factory, logger: Logger(label: "tidepool.pool"))

        let server: TidepoolServer
        do {
            server = try await TidepoolServer.make(configuration: configuration, pool: pool, metrics: metrics, logger: logger)
        } catch let error as ConfigurationError {
            Self.fail("\(error)", code: 2)
        } catch let error as TenantsFileError {
            Self.fail("\(error)", code: 2)
        } catch {
            Self.fail("cannot open the session store in \(configuration.sessions.dataDirectory): \(error)", code: 1)
        }
        let host = configuration.http.host
        let application = server.application { channel in
            // The one line scripts and tests wait for; the port is the bound one (also for --port 0).
            let line = "tidepool listening on http://\(host):\(channel.localAddress?.port ?? 0)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: application)]
        if let tenants = server.tenants {
            let signals = await UnixSignalsSequence(trapping: .sighup)
            services.append(.init(service: TenantsReloadService(tenants: tenants, signals: signals, logger: logger)))
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
            )
        )
        try await group.run()
        logger.info("tidepool stopped")
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("tidepool: \(message)\n".utf8))
        Foundation.exit(code)
    }
}
