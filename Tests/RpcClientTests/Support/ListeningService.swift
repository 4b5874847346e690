import Logging
import NIOCore
import RpcClient
import ServiceLifecycle

/// Runs the HTTP service `make` builds (handing it the callback that hears the bound channel),
/// calls `body` with the port it listens on, then shuts it down gracefully, also when `body` throws.
func withListeningService<S: Service>(
    logger: Logger,
    _ make: (_ onServerRunning: @escaping @Sendable (any Channel) async -> Void) -> S,
    _ body: (_ port: Int) async throws -> Void
) async throws {
    let (ports, portSink) = AsyncStream<Int>.makeStream()
    let service = make { channel in
        portSink.yield(channel.localAddress?.port ?? -1)
        portSink.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var outcome: Result<Void, any Error> = .success(())
        if let port = await ports.first(where: { _ in true }), port > 0 {
            do {
                try await body(port)
            } catch {
                outcome = .failure(error)
            }
        } else {
            outcome = .failure(TestSupportError("\(S.self) did not start listening"))
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        try outcome.get()
    }
}

/// A failure of the test scaffolding itself.
struct TestSupportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A logger that stays silent in test output.
func silentLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .critical
    return logger
}

/// A server a test talks to at `baseURL`.
protocol ServerEndpoint {
    var baseURL: String { get }
}

extension ServerEndpoint {
    /// Runs `body` with a client of this server (shut down afterwards).
    func withClient<T>(
        _ configuration: RpcClient.Configuration = .quietTest, _ body: (RpcClient) async throws -> T
    ) async throws -> T {
        try await RpcClient.withClient(url: baseURL, configuration: configuration, body)
    }
}
