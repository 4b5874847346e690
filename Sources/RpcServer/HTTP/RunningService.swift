public import Logging
public import NIOCore
public import ServiceLifecycle

/// Runs the HTTP service `make` builds (handing it the callback that hears the bound channel) in a
/// `ServiceGroup` while `body` runs with the port it listens on, then shuts it down gracefully, also
/// when `body` throws. Throws `TidepoolServerError.didNotStart` when the service never listened.
public func withRunningService<S: Service, T: Sendable>(
    logger: Logger,
    _ make: (_ onServerRunning: @escaping @Sendable (any Channel) async -> Void) -> S,
    _ body: (_ port: Int) async throws -> T
) async throws -> T {
    let (ports, portSink) = AsyncStream<Int>.makeStream()
    let service = make { channel in
        portSink.yield(channel.localAddress?.port ?? -1)
        portSink.finish()
    }
    let group = ServiceGroup(configuration: .init(services: [service], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let outcome: Result<T, any Error>
        if let port = await ports.first(where: { _ in true }), port > 0 {
            do {
                outcome = .success(try await body(port))
            } catch {
                outcome = .failure(error)
            }
        } else {
            outcome = .failure(TidepoolServerError.didNotStart)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try outcome.get()
    }
}
