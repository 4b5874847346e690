import ArgumentParser
import Foundation

/// Where the client commands find the server.
struct ServerOptions: ParsableArguments {
    @Option(help: "Server URL [env: TIDEPOOL_URL] (default http://127.0.0.1:9123).")
    var server: String?

    @Option(help: "Bearer token [env: TIDEPOOL_TOKEN]; prefer the environment (flags show in ps).")
    var token: String?

    /// The connection these options (then the environment, then the default) describe.
    var connection: ServerConnection {
        let environment = ProcessInfo.processInfo.environment
        return ServerConnection(
            url: server ?? environment["TIDEPOOL_URL"] ?? "http://127.0.0.1:9123",
            token: token ?? environment["TIDEPOOL_TOKEN"]
        )
    }
}

/// A subcommand whose work is async (run from main.swift, which cannot call the async `run`).
protocol AsyncCLICommand {
    func execute() async throws
}
