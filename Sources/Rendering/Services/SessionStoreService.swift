public import Logging
public import ServiceLifecycle
import SessionContext

/// Keeps the session store open while the server runs and closes it (checkpointing SQLite's WAL)
/// on graceful shutdown or cancellation. Listed before the HTTP server in the service group, so it
/// stops after the server has finished its in-flight requests.
public struct SessionStoreService: Service {
    let sessions: SessionService
    let logger: Logger

    public init(sessions: SessionService, logger: Logger) {
        self.sessions = sessions
        self.logger = logger
    }

    public func run() async throws {
        // Returns on graceful shutdown, throws on cancellation; the store is closed either way.
        try? await gracefulShutdown()
        do {
            try await sessions.store.close()
            logger.info("session store closed")
        } catch {
            logger.error("session store did not close cleanly", metadata: ["error": "\(error)"])
        }
    }
}
