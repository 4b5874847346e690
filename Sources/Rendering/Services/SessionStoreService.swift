import AsyncSupport
public import Logging
public import ServiceLifecycle
import SessionContext

/// Keeps the session store open while the server runs, writes usage totals to it every
/// `usageFlushInterval`, and on graceful shutdown or cancellation writes the last of them and
/// closes it (checkpointing SQLite's WAL). Listed before the HTTP server in the service group, so it
/// stops after the server has finished its in-flight requests.
public struct SessionStoreService: Service {
    let sessions: SessionService
    let logger: Logger

    public init(sessions: SessionService, logger: Logger) {
        self.sessions = sessions
        self.logger = logger
    }

    public func run() async throws {
        let usage = sessions.usage
        let interval = sessions.configuration.usageFlushInterval
        // Usage reaches the store every `interval` while the server runs, in one write each time.
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // The first flush at once reads the stored totals (PostgreSQL: as soon as it is reachable).
                // Cancellation stops the loop between flushes, never inside one: a write cut short
                // could leave the SQLite connection inside its transaction and the last flush failing.
                while !Task.isCancelled {
                    _ = await withoutCancellation { await usage.flush() }
                    try? await Task.sleep(for: interval)
                }
            }
            // Returns on graceful shutdown, throws on cancellation; the store is closed either way.
            try? await gracefulShutdown()
            group.cancelAll()
        }
        // What the last renders spent (every other service has stopped: no render runs any more).
        if await withoutCancellation({ await usage.flush() }) {
            logger.debug("usage written")
        } else {
            logger.error("usage of the last renders could not be written", metadata: ["pending": "\(usage.pendingCount)"])
        }
        do {
            try await sessions.store.close()
            logger.info("session store closed")
        } catch {
            logger.error("session store did not close cleanly", metadata: ["error": "\(error)"])
        }
    }
}
