import ArgumentParser
import Foundation
import RenderTypes

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

extension ServerOptions {
    /// Calls `method` on the server and prints its result as JSON (keys sorted).
    func printResult(_ method: String, _ params: JSONValue) async throws {
        print(try await connection.call(method, params).jsonString())
    }
}

/// A subcommand whose work is async (run from main.swift, which cannot call the async `run`).
protocol AsyncCLICommand {
    func execute() async throws
}
