import Foundation
public import Logging
public import Rendering
public import SessionContext
import SessionContextSQLite

extension SessionService {
    /// Opens the configured backend (creating the data directory) and a store over it, with the
    /// server's default session config. Throws `SessionError.backend` when the database cannot be opened.
    public static func open(
        configuration: SessionsConfiguration, clock: any WallClock = SystemWallClock(), logger: Logger
    ) async throws -> SessionService {
        let backend: any SessionBackend
        switch configuration.backend {
        case .memory:
            backend = InMemorySessionBackend()
        case .sqlite:
            backend = try await SQLiteSessionBackend.open(path: configuration.databasePath, logger: logger)
        }
        let storeConfiguration = RpcSessionStore<AnySessionBackend>.Configuration(
            defaultConfig: SessionConfig(ttlSeconds: configuration.defaultTTLSeconds), limits: configuration.limits
        )
        let store = RpcSessionStore(backend: AnySessionBackend(backend), clock: clock, configuration: storeConfiguration)
        var metadata: Logger.Metadata = ["backend": "\(configuration.backend.rawValue)"]
        if configuration.backend == .sqlite { metadata["path"] = "\(configuration.databasePath)" }
        logger.info("session store open", metadata: metadata)
        return SessionService(store: store, configuration: configuration, logger: logger)
    }
}
