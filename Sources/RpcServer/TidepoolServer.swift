public import Hummingbird
import HummingbirdCore
public import Logging
public import NIOCore
public import SessionContext

/// The whole server, assembled: the engine with every method registered, the session service,
/// health, metrics and the HTTP application with its services (session cleanup, store closing).
///
/// `tidepool serve` and the tests build it the same way; the browser pool plugs in through
/// `pool` once it exists.
public struct TidepoolServer: Sendable {
    /// Everything configurable; each part's defaults live in its own initializer.
    public struct Configuration: Sendable {
        public var http: HTTPConfiguration
        public var sessions: SessionsConfiguration
        public var engine: RpcEngine.Configuration
        /// Browser pool overrides, applied once the pool is part of the server.
        public var browser: BrowserSettings

        public init(
            http: HTTPConfiguration = .init(), sessions: SessionsConfiguration = .init(),
            engine: RpcEngine.Configuration = .init(), browser: BrowserSettings = .init()
        ) {
            self.http = http
            self.sessions = sessions
            self.engine = engine
            self.browser = browser
        }
    }

    public let configuration: Configuration
    public let engine: RpcEngine
    public let sessions: SessionService
    public let metrics: ServerMetrics
    public let health: HealthReporter
    let logger: Logger

    /// Opens the session store and registers every method. Throws when the store cannot be opened.
    public static func make(
        configuration: Configuration, pool: (any PoolHealthSource)? = nil, metrics: ServerMetrics = ServerMetrics(),
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) async throws -> TidepoolServer {
        let sessions = try await SessionService.open(configuration: configuration.sessions, clock: clock, logger: logger)
        return TidepoolServer(configuration: configuration, sessions: sessions, pool: pool, metrics: metrics, logger: logger)
    }

    /// A server over an open session service.
    public init(
        configuration: Configuration, sessions: SessionService, pool: (any PoolHealthSource)? = nil,
        metrics: ServerMetrics = ServerMetrics(), logger: Logger
    ) {
        let health = HealthReporter(
            backend: configuration.sessions.backend.rawValue, pool: pool,
            countMaxAge: configuration.sessions.healthCountMaxAge
        ) { try await sessions.store.sessionCount() }
        var registry = RpcMethodRegistry()
        WireSchemas.register(in: &registry)
        SessionMethods.register(in: &registry, sessions: sessions)
        CookieMethods.register(in: &registry, sessions: sessions)
        HealthMethod.register(in: &registry, health: health)
        self.configuration = configuration
        self.sessions = sessions
        self.metrics = metrics
        self.health = health
        self.logger = logger
        self.engine = RpcEngine(
            registry: registry, configuration: configuration.engine, metrics: RpcMetrics(factory: metrics.factory)
        )
    }

    /// The HTTP application with the session services; run it (it is a `Service`) in a
    /// `ServiceGroup` or with `runService()`. `onServerRunning` hears the bound channel (its
    /// `localAddress` tells the port when 0 was asked).
    public func application(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let gauges = SessionGauges(factory: metrics.factory)
        let sessions = self.sessions
        let logger = self.logger
        let router = TidepoolRouter.make(
            engine: engine, health: health, metrics: metrics,
            refreshMetrics: {
                do {
                    gauges.update(try await sessions.store.metrics())
                } catch {
                    logger.error("session metrics unavailable", metadata: ["error": "\(error)"])
                }
            },
            configuration: configuration.http
        )
        let http = configuration.http
        let idle = http.idleTimeout.components
        return Application(
            router: router,
            server: .http1(
                configuration: .init(idleTimeout: .seconds(idle.seconds) + .nanoseconds(idle.attoseconds / 1_000_000_000))
            ),
            configuration: ApplicationConfiguration(
                address: .hostname(http.host, port: http.port), serverName: "tidepool",
                availableConnectionsDelegate: MaximumAvailableConnections(http.maxConnections)
            ),
            services: [
                SessionStoreService(sessions: sessions, logger: logger),
                SessionCleanupService(sessions: sessions, interval: configuration.sessions.cleanupInterval, logger: logger),
            ],
            onServerRunning: onServerRunning,
            logger: logger
        )
    }
}
