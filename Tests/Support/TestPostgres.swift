import Foundation
package import PostgresSandbox
package import SessionContextPostgres

/// PostgreSQL for the tests: one server per test process, started on first use and shared by every
/// suite, with a fresh database per test. The server stops when the process exits (the sandbox's
/// supervisor sees its pipe close), so no test has to remember to; a test that stops its database
/// on purpose gets a private server instead (`withPrivateServer`).
package enum TestPostgres {
    /// The shared server, started by the first caller; every later caller waits for the same start.
    package static func shared() async throws -> PostgresSandbox {
        try await SharedServer.instance.sandbox()
    }

    /// Runs `body` with the URL of a fresh empty database on the shared server, dropped afterwards.
    package static func withDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        let server = try await shared()
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        try await server.createDatabase(String(name))
        do {
            let result = try await body(server.url(database: String(name)))
            try await server.dropDatabase(String(name))
            return result
        } catch {
            try? await server.dropDatabase(String(name))
            throw error
        }
    }

    /// Runs `body` with a server of its own (to stop and start it), shut down afterwards.
    package static func withPrivateServer<T>(_ body: (PostgresSandbox) async throws -> T) async throws -> T {
        let server = try await PostgresSandbox.start(maxConnections: 50)
        do {
            let result = try await body(server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// The settings tests open backends with: a small pool, short retry pauses, and a time limit
    /// long enough for a thousand changes of one session queued on four connections while the
    /// whole suite (Chromium included) shares two cores.
    package static let configuration = PostgresSessionBackend.Configuration(
        maximumConnections: 4, operationTimeout: .seconds(30), connectTimeout: .seconds(2),
        initialRetryDelay: .milliseconds(50), maximumRetryDelay: .milliseconds(500)
    )

    /// A backend on `url`, ready (reachable and migrated), with `configuration` (by default, the one above).
    package static func backend(
        url: String, configuration: PostgresSessionBackend.Configuration = configuration
    ) async throws -> PostgresSessionBackend {
        try await PostgresSessionBackend.open(
            url: try PostgresDatabaseURL(url), configuration: configuration, timeout: .seconds(20), logger: testLogger())
    }
}

/// Starts the shared server once, whoever asks first.
private actor SharedServer {
    static let instance = SharedServer()
    private var start: Task<PostgresSandbox, any Error>?

    func sandbox() async throws -> PostgresSandbox {
        if let start { return try await start.value }
        let task = Task { try await PostgresSandbox.start() }
        start = task
        return try await task.value
    }
}
