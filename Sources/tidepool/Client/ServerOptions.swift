import ArgumentParser
import Foundation
import RpcClient
import RpcServer

/// Where the client commands find the server, and the `RpcClient` they reach it with: its retry
/// policy, its deadlines and its typed errors.
struct ServerOptions: ParsableArguments {
    /// Where `tidepool serve` listens when given no host or port.
    static var defaultURL: String {
        let http = HTTPConfiguration()
        return "http://\(http.host):\(http.port)"
    }

    @Option(help: ArgumentHelp("Server URL [env: TIDEPOOL_URL] (default: \(ServerOptions.defaultURL)).", valueName: "url"))
    var server: String?

    @Option(help: "Bearer token [env: TIDEPOOL_TOKEN]; prefer the environment (flags show in ps).")
    var token: String?

    @OptionGroup var logging: LogOptions

    /// Sends the command's log lines to stderr at `--log-level` (the client's retries show at
    /// `debug`). Call it once, before any client is made.
    func startLogging() throws(CLIError) {
        do {
            LogOptions.bootstrap(try logging.level(in: ProcessInfo.processInfo.environment))
        } catch {
            throw CLIError("\(error)")
        }
    }

    /// Starts logging, then runs `body` with a client of the server these options (then the
    /// environment, then the default) name, shut down afterwards.
    func withClient<T>(_ body: (RpcClient) async throws -> T) async throws -> T {
        try startLogging()
        let environment = ProcessInfo.processInfo.environment
        return try await RpcClient.withCLIClient(
            url: server ?? environment["TIDEPOOL_URL"] ?? Self.defaultURL, token: token ?? environment["TIDEPOOL_TOKEN"],
            body)
    }
}

/// A subcommand whose work is async (run from main.swift, which cannot call the async `run`).
protocol AsyncCLICommand {
    func execute() async throws
}
