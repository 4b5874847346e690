import Foundation
import Headless
import Logging
import Rendering
import RpcClient
import RpcServer

/// A whole Tidepool server in this process for one command (`tidepool render --local`): the same
/// configuration as `tidepool serve` (environment included), on an ephemeral loopback port, with
/// one browser; shut down gracefully (every browser closed) when the command is done.
enum LocalServer {
    static func with<T: Sendable>(
        dataDirectory: String?, _ body: (RpcClient) async throws -> T
    ) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        var configuration = try TidepoolServer.Configuration(environment: environment)
        configuration.http.host = "127.0.0.1"
        configuration.http.port = 0
        configuration.http.bearerToken = nil
        if let dataDirectory { configuration.sessions.dataDirectory = dataDirectory }
        if configuration.browser.minPoolSize == nil { configuration.browser.minPoolSize = 1 }
        if configuration.browser.initialPoolSize == nil { configuration.browser.initialPoolSize = 1 }
        let poolConfig = configuration.browser.applied()
        if let missing = BrowserCheck.missingBrowser(poolConfig, environment: environment) { throw CLIError(missing) }

        var logger = Logger(label: "tidepool")
        logger.logLevel = .warning
        let metrics = ServerMetrics()
        let pool = BrowserPool(config: poolConfig, metrics: metrics.factory, logger: logger)
        let server = try await TidepoolServer.make(configuration: configuration, pool: pool, metrics: metrics, logger: logger)
        return try await server.withRunning { port in
            try await RpcClient.withCLIClient(url: "http://127.0.0.1:\(port)", token: nil, body)
        }
    }
}

/// Whether the configured browser binary exists, before anything starts.
enum BrowserCheck {
    /// One line naming what is missing and the install command; nil when a browser is there.
    static func missingBrowser(_ config: BrowserPoolConfig, environment: [String: String]) -> String? {
        do throws(LaunchError) {
            _ = try ExecutableLocator.locate(
                engine: config.launch.engine, explicitPath: config.launch.executablePath, environment: environment)
            return nil
        } catch {
            let message = "\(error)"
            let hint = "apt-get install -y --no-install-recommends \(config.launch.engine.aptPackage)"
            return message.contains("apt-get") ? message : "\(message); install Chromium with: \(hint)"
        }
    }
}
