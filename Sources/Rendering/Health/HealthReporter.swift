public import RenderTypes
import Synchronization

/// Assembles the health report from the session store and, once it exists, the browser pool.
///
/// The session count is reused for `countMaxAge` (1 s by default): load balancers poll health
/// often, and a count costs a database query.
public final class HealthReporter: Sendable {
    let backend: String
    let sessionCount: @Sendable () async throws -> Int
    let pool: (any PoolHealthSource)?
    let started: ContinuousClock.Instant
    let countMaxAge: Duration
    private let cachedCount = Mutex<(count: Int, at: ContinuousClock.Instant)?>(nil)
    private let nodeName: Mutex<ServerHealth.Node?>

    /// A reporter over a store of kind `backend`, answering its session count with `sessionCount`.
    public init(
        backend: String, pool: (any PoolHealthSource)?, countMaxAge: Duration = .seconds(1), node: ServerHealth.Node? = nil,
        sessionCount: @escaping @Sendable () async throws -> Int
    ) {
        self.nodeName = Mutex(node)
        self.backend = backend
        self.sessionCount = sessionCount
        self.pool = pool
        self.countMaxAge = countMaxAge
        self.started = .now
    }

    /// Names the node in later reports (once the server knows the port it listens on).
    public func identify(_ node: ServerHealth.Node) {
        nodeName.withLock { $0 = node }
    }

    /// The node the reports name, once known.
    public var node: ServerHealth.Node? { nodeName.withLock { $0 } }

    /// Healthy when the store answers and, with a pool, the pool can serve.
    public func report() async -> ServerHealth {
        var sessions = ServerHealth.Sessions(backend: backend, ok: true, count: nil, error: nil)
        do {
            sessions.count = try await count()
        } catch {
            sessions.ok = false
            sessions.error = "\(error)"
        }
        let poolHealth = await pool?.poolHealth()
        let healthy = sessions.ok && (poolHealth?.canServe ?? true)
        return ServerHealth(
            status: healthy ? .healthy : .unhealthy,
            version: TidepoolVersion.current,
            uptimeSecs: Int((ContinuousClock.now - started).components.seconds),
            sessions: sessions,
            pool: poolHealth?.summary ?? .null,
            node: nodeName.withLock { $0 }
        )
    }

    private func count() async throws -> Int {
        let now = ContinuousClock.now
        if let cached = cachedCount.withLock({ $0 }), now - cached.at < countMaxAge {
            return cached.count
        }
        let fresh = try await sessionCount()
        cachedCount.withLock { $0 = (fresh, now) }
        return fresh
    }
}
