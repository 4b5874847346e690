public import Headless
public import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
public import Logging
public import NIOCore
public import Rendering
import RenderTypes
import ServiceLifecycle
public import SessionContext

/// The whole server, assembled: the engine with every method registered, the session service,
/// health, metrics and the HTTP application with its services (session cleanup, store closing).
///
/// `tidepool serve` and the tests build it the same way. With a browser pool, the server also
/// serves `render` and `pool.stats`, runs the pool as one of its services, and health judges it.
public struct TidepoolServer: Sendable {
    /// Everything configurable; each part's defaults live in its own initializer.
    public struct Configuration: Sendable {
        public var http: HTTPConfiguration
        public var sessions: SessionsConfiguration
        public var engine: RpcEngine.Configuration
        /// Browser pool overrides (`browser.applied(to:)` gives the pool's config).
        public var browser: BrowserSettings
        /// The render path (profiles, per-session limits, executor).
        public var render: RenderService.Configuration
        /// This node's id and advertised URL among the nodes sharing a session database.
        public var node: NodeConfiguration

        public init(
            http: HTTPConfiguration = .init(), sessions: SessionsConfiguration = .init(),
            engine: RpcEngine.Configuration = .init(), browser: BrowserSettings = .init(),
            render: RenderService.Configuration = .init(), node: NodeConfiguration = .init()
        ) {
            self.http = http
            self.sessions = sessions
            self.engine = engine
            self.browser = browser
            self.render = render
            self.node = node
        }
    }

    public let configuration: Configuration
    public let engine: RpcEngine
    public let sessions: SessionService
    public let metrics: ServerMetrics
    public let health: HealthReporter
    /// The render path; nil for a server without a browser pool (sessions only).
    public let renders: RenderService?
    /// The tenants of the tenants file (`reload()` it on SIGHUP); nil without one.
    public let tenants: TenantDirectory?
    let logger: Logger

    /// Reads the tenants file (when one is configured), opens the session store and registers every
    /// method (`render` and `pool.stats` with a pool, which the server then runs). Throws
    /// `TenantsFileError` for a tenants file that cannot be used (before anything is opened), and
    /// what opening the store throws.
    public static func make(
        configuration: Configuration, pool: BrowserPool? = nil, metrics: ServerMetrics = ServerMetrics(),
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) async throws -> TidepoolServer {
        let tenants = try configuration.http.tenantsFile.map { (path: String) throws(TenantsFileError) in
            try TenantDirectory(path: path)
        }
        if let tenants {
            logger.info("tenants file read", metadata: ["path": "\(tenants.path)", "tenants": "\(tenants.file.tenants.count)"])
        }
        let sessions = try await SessionService.open(
            configuration: configuration.sessions, node: configuration.node, clock: clock, metrics: metrics.factory,
            logger: logger)
        // Which scripts have a font: health reports it and renders warn about the missing ones.
        let fonts = pool == nil ? nil : await FontCoverage.scan()
        if let fonts, !fonts.missing.isEmpty {
            logger.warning("no font for some scripts: their text renders as empty boxes; scripts/setup serve installs them",
                           metadata: ["missing": "\(fonts.missing.joined(separator: ","))"])
        }
        return TidepoolServer(
            configuration: configuration, sessions: sessions, pool: pool, fonts: fonts, tenants: tenants, metrics: metrics,
            logger: logger)
    }

    /// A server over an open session service (and a pool it will run, if given).
    /// `fonts` (a `FontCoverage.scan()`) is what health reports; its missing scripts are warned about.
    /// `tenants` are the tenants callers' keys pick from (`configuration.http.tenantsFile` is not read here).
    public init(
        configuration: Configuration, sessions: SessionService, pool: BrowserPool? = nil, fonts: FontCoverage? = nil,
        tenants: TenantDirectory? = nil, metrics: ServerMetrics = ServerMetrics(), logger: Logger
    ) {
        var render = configuration.render
        if let fonts { render.renderer.missingFontScripts = fonts.missing }
        let renders = pool.map {
            RenderService(
                pool: $0, sessions: sessions, configuration: render, fonts: fonts, metrics: metrics.factory, logger: logger)
        }
        let health = HealthReporter(
            backend: configuration.sessions.backend.rawValue, pool: renders,
            countMaxAge: configuration.sessions.healthCountMaxAge, node: configuration.node.health(port: configuration.http.port)
        ) { try await sessions.store.sessionCount() }
        // Each tenant's limits, as the file says now and after each reload (SIGHUP).
        tenants?.observe { [usage = sessions.usage] file in
            usage.setLimits(Dictionary(file.tenants.map { ($0.id, $0.limits) }, uniquingKeysWith: { first, _ in first }))
        }
        var registry = RpcMethodRegistry()
        WireSchemas.register(in: &registry)
        UsageMethods.register(in: &registry, sessions: sessions)
        SessionMethods.register(in: &registry, sessions: sessions)
        CookieMethods.register(in: &registry, sessions: sessions)
        HealthMethod.register(in: &registry, health: health)
        ClusterMethods.register(in: &registry, sessions: sessions, health: health, renders: renders)
        if let renders {
            RenderMethods.register(
                in: &registry, calls: RenderCalls(renders: renders, errors: RenderErrorMetrics(factory: metrics.factory)),
                tenants: tenants)
            ConnectMethods.register(in: &registry, renders: renders, health: health, clustered: sessions.cluster != nil)
            LiveMethods.register(in: &registry, renders: renders, health: health, clustered: sessions.cluster != nil)
        }
        if let cluster = sessions.cluster {
            registry.forwardSessionCalls(
                through: NodeForwarder(
                    cluster: cluster, token: configuration.http.bearerToken, metrics: ForwardMetrics(factory: metrics.factory)),
                tenants: tenants)
        }
        self.renders = renders
        self.tenants = tenants
        self.configuration = configuration
        self.sessions = sessions
        self.metrics = metrics
        self.health = health
        self.logger = logger
        self.engine = RpcEngine(
            registry: registry, configuration: configuration.engine, metrics: RpcMetrics(factory: metrics.factory)
        )
    }

    /// Runs the whole server (the application in a `ServiceGroup`) while `body` runs with the bound
    /// port, then shuts it down gracefully (every browser closed) and returns `body`'s result.
    /// Throws `TidepoolServerError.didNotStart` when the server never listened.
    public func withRunning<T: Sendable>(_ body: (_ port: Int) async throws -> T) async throws -> T {
        try await withRunningService(logger: logger, { application(onServerRunning: $0) }, body)
    }

    /// The HTTP application with the session services (and the browser pool with the render
    /// path's upkeep); run it (it is a `Service`) in a `ServiceGroup` or with `runService()`.
    /// Graceful shutdown stops them in reverse order: HTTP (in-flight calls finish), cleanup,
    /// profile browsers, the pool (every browser closed), then the session store.
    /// `onServerRunning` hears the bound channel (its `localAddress` tells the port when 0 was asked).
    public func application(
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let gauges = SessionGauges(factory: metrics.factory)
        let heap = HeapGauges(factory: metrics.factory)
        let sessions = self.sessions
        let renders = self.renders
        let logger = self.logger
        let router = TidepoolRouter.make(
            engine: engine, health: health, metrics: metrics,
            refreshMetrics: {
                heap.update()
                await renders?.refreshGauges()
                do {
                    gauges.update(try await sessions.store.metrics())
                } catch {
                    logger.error("session metrics unavailable", metadata: ["error": "\(error)"])
                }
            },
            configuration: configuration.http, tenants: tenants
        )
        let clustered = sessions.cluster != nil
        CDPBridge.addRoutes(to: router, renders: renders) { [health] in clustered ? health.node?.advertiseURL : nil }
        LiveBridge.addRoutes(to: router, renders: renders)
        var services: [any Service] = [SessionStoreService(sessions: sessions, logger: logger)]
        if let renders {
            services += [renders.pool, RenderServiceLifecycle(renders: renders, logger: logger)] as [any Service]
        }
        services.append(
            SessionCleanupService(sessions: sessions, interval: configuration.sessions.cleanupInterval, logger: logger))
        if let cluster = sessions.cluster {
            // Listed last, so it leaves the nodes table right after the HTTP server stops.
            services.append(
                ClusterHeartbeatService(cluster: cluster, logger: logger) {
                    await renders?.heartbeatFigures() ?? (load: 0, browsers: 0)
                })
        }
        let http = configuration.http
        let node = configuration.node
        let health = self.health
        let idle = http.idleTimeout.components
        let idleTimeout = TimeAmount.seconds(idle.seconds) + .nanoseconds(idle.attoseconds / 1_000_000_000)
        return Application(
            router: router,
            // HTTP/1.1, and WebSocket upgrades for CDP clients' hand-offs (`CDPBridge`) and live viewers
            // (`LiveBridge`); a connection silent from the start is closed after the idle timeout too
            // (`SilentConnectionGuard`).
            server: HTTPServerBuilder { [renders] responder in
                SilentConnectionGuard(
                    base: HTTP1WebSocketUpgradeChannel(
                        responder: responder,
                        configuration: .init(
                            http1: .init(idleTimeout: idleTimeout),
                            ws: .init(maxFrameSize: CDPBridge.maxFrameSize, autoPing: .enabled(timePeriod: .seconds(30)))
                        )
                    ) { request, channel, logger in
                        if case .upgrade(let headers, let handler) = CDPBridge.shouldUpgrade(request, renders: renders, logger: logger) {
                            return .upgrade(headers, handler)
                        }
                        return LiveBridge.shouldUpgrade(request, channel: channel, renders: renders, logger: logger)
                    },
                    timeout: idleTimeout)
            },
            configuration: ApplicationConfiguration(
                address: .hostname(http.host, port: http.port), serverName: "tidepool",
                availableConnectionsDelegate: MaximumAvailableConnections(http.maxConnections)
            ),
            services: services,
            onServerRunning: { channel in
                // The node is named by the port it listens on, known only now when 0 was asked.
                let identity = node.health(port: channel.localAddress?.port ?? http.port)
                health.identify(identity)
                sessions.cluster?.identify(identity)
                logger.info("node", metadata: ["node_id": "\(identity.id)", "advertise_url": "\(identity.advertiseURL)"])
                await onServerRunning(channel)
            },
            logger: logger
        )
    }
}

extension NodeConfiguration {
    /// The node as health names it when the server listens on `port`.
    func health(port: Int) -> ServerHealth.Node {
        ServerHealth.Node(id: resolvedID(port: port), advertiseURL: resolvedAdvertiseURL(port: port))
    }
}

/// Why `TidepoolServer.withRunning` could not run its body.
public enum TidepoolServerError: Error, Sendable {
    /// The HTTP server stopped (or failed) before it listened.
    case didNotStart
}
