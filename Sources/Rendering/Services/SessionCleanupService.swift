public import Logging
public import ServiceLifecycle

/// Removes expired sessions (and their profiles) every `interval` until graceful shutdown or
/// cancellation; a failed pass is logged and the next one runs on schedule.
public struct SessionCleanupService: Service {
    let sessions: SessionService
    let interval: Duration
    let logger: Logger

    public init(sessions: SessionService, interval: Duration, logger: Logger) {
        precondition(interval > .zero, "the cleanup interval must be positive")
        self.sessions = sessions
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                do {
                    _ = try await sessions.cleanup(tenant: nil)
                } catch {
                    logger.error("session cleanup failed", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
