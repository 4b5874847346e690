public import CoreMetrics
import Foundation
public import Logging
public import Rendering
public import SessionContext
import SessionContextPostgres
import SessionContextSQLite

extension SessionService {
    /// Opens the configured backend (creating the data directory) and a store over it, with the
    /// server's default session config. SQLite and memory are open when this returns; PostgreSQL is
    /// being connected to in the background (retrying while it is down), so the server can come up
    /// and say so in /health while calls get -32603 naming the database. Throws
    /// `SessionError.backend` when the SQLite file cannot be opened, `ConfigurationError` when the
    /// postgres backend has no usable URL.
    public static func open(
        configuration: SessionsConfiguration, node: NodeConfiguration = .init(), clock: any WallClock = SystemWallClock(),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, logger: Logger
    ) async throws -> SessionService {
        let backend: any SessionBackend
        var metadata: Logger.Metadata = ["backend": "\(configuration.backend.rawValue)"]
        switch configuration.backend {
        case .memory:
            backend = InMemorySessionBackend()
        case .sqlite:
            backend = try await SQLiteSessionBackend.open(path: configuration.databasePath, logger: logger)
            metadata["path"] = "\(configuration.databasePath)"
        case .postgres:
            let url = try ServerSettings.databaseURL(configuration.databaseURL)
            backend = PostgresSessionBackend(url: url, metrics: metrics, logger: logger)
            metadata["database"] = "\(url)"
        }
        let storeConfiguration = RpcSessionStore<AnySessionBackend>.Configuration(
            defaultConfig: SessionConfig(ttlSeconds: configuration.defaultTTLSeconds), limits: configuration.limits
        )
        let store = RpcSessionStore(backend: AnySessionBackend(backend), clock: clock, configuration: storeConfiguration)
        logger.info("session store open", metadata: metadata)
        let service = SessionService(store: store, configuration: configuration, node: node, metrics: metrics, logger: logger)
        // Usage totals: read now from SQLite; from PostgreSQL by the first flush once it is reachable.
        if configuration.backend != .postgres { try await service.usage.load() }
        return service
    }
}
