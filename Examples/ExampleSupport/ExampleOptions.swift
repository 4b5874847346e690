public import ArgumentParser
import FixtureServer
import Foundation
public import RpcClient

/// The command-line options every example shares: where the Tidepool server is, and where the
/// fixture site is (served by the example itself with `--serve-fixtures`, or already running).
public struct ExampleOptions: ParsableArguments {
    @Option(help: "The Tidepool server (default: $TIDEPOOL_URL, else http://127.0.0.1:9123, what `make serve` starts).")
    public var server: String = ProcessInfo.processInfo.environment["TIDEPOOL_URL"] ?? "http://127.0.0.1:9123"

    @Flag(help: "Start the fixture site on 127.0.0.1 (an ephemeral port) inside this example.")
    public var serveFixtures = false

    @Option(help: "Base URL of a fixture site already running (`make fixtures` prints it).")
    public var site: String?

    @Option(help: "Bearer token of the server (default: $TIDEPOOL_TOKEN).")
    public var token: String?

    public init() {}

    public func validate() throws {
        if serveFixtures == (site != nil) {
            throw ValidationError("give exactly one of --serve-fixtures and --site URL")
        }
    }

    /// Runs `body` with a client of `server` and the fixture site's base URL (starting the site
    /// first with `--serve-fixtures`); everything is stopped afterwards, also on error.
    public func run<T: Sendable>(_ body: (RpcClient, String) async throws -> T) async throws -> T {
        let configuration = RpcClient.Configuration(token: token ?? ProcessInfo.processInfo.environment["TIDEPOOL_TOKEN"])
        return try await RpcClient.withClient(url: server, configuration: configuration) { client in
            if let site {
                return try await body(client, site.hasSuffix("/") ? String(site.dropLast()) : site)
            }
            return try await FixtureServer.withRunning { fixtures in try await body(client, fixtures.baseURL) }
        }
    }
}
