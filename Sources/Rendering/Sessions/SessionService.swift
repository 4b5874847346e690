import AsyncSupport
public import CoreMetrics
import Foundation
public import Logging
import RenderTypes
public import SessionContext
import Synchronization

/// The server-side session manager: the store (any backend; the server opens SQLite by default) under the rules the session and
/// cookie methods share — the server's default config, the session cap, profile removal.
///
/// Every change goes through one atomic store update that validates the result against the
/// session limits first, so a refused call changes nothing stored.
public final class SessionService: Sendable {
    /// The store every method reads and writes.
    public let store: RpcSessionStore<AnySessionBackend>
    public let configuration: SessionsConfiguration
    /// This node's part in a cluster, when the backend is shared by several nodes; nil on one node.
    public let cluster: Cluster?
    let profiles: ProfileDirectories
    let logger: Logger
    private let endObservers = Mutex<[any SessionEndObserver]>([])
    /// Serialises the `maxSessions` check with the creation it admits (one key), so concurrent
    /// creations never overshoot the cap. Reads and changes of existing sessions never take it. In
    /// a cluster it admits one creator of this node at a time to the backend's gate, which admits
    /// one of all the nodes.
    private let creationGate = SerialLock(maxWaiters: 4096)
    /// Usage per tenant and session, and the tenants' limits; its totals are written with the sessions.
    public let usage: UsageLedger
    /// Sessions this node's controllers (CDP clients, live viewers in control) hold now.
    public let holds = SessionHolds()

    /// A service over an already-open store; with a backend several nodes share, it takes part in
    /// their cluster as the node `node` names (its metrics written through `metrics`).
    public init(
        store: RpcSessionStore<AnySessionBackend>, configuration: SessionsConfiguration, node: NodeConfiguration = .init(),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, logger: Logger
    ) {
        self.store = store
        self.configuration = configuration
        self.cluster = store.cluster.map {
            Cluster(backend: $0, configuration: node, metrics: ClusterMetrics(factory: metrics), logger: logger)
        }
        self.profiles = ProfileDirectories(root: configuration.profilesDirectory, logger: logger)
        self.usage = UsageLedger(store: store.backend.base as? any UsageStore, clock: store.clock, metrics: metrics, logger: logger)
        self.logger = logger
    }

    // MARK: session.*

    /// Creates a session of `tenant` from `params`; `RenderingError.budgetExceeded` when the store
    /// already holds `maxSessions` (of every tenant together).
    public func create(_ params: SessionCreateParams, tenant: TenantID) async throws -> SessionInfo {
        var config = store.configuration.defaultConfig
        if let ttl = params.ttlSecs { config.ttlSeconds = ttl }
        if let autoRenew = params.autoRenew { config.autoRenew = autoRenew }
        if let maxRequests = params.maxRequests { config.maxRequests = maxRequests }
        let session = try await admittingNewSession(tenant: tenant) {
            try await store.create(
                id: params.sessionId?.inTenant(tenant), tenant: tenant, config: config, metadata: params.metadata ?? [:], profile: params.profile,
                keepWarm: params.keepWarm ?? false
            )
        }
        logger.debug("session created", metadata: ["session_id": "\(session.sessionId)", "tenant": "\(tenant)"])
        return SessionInfo(session)
    }

    /// Runs `create` (which adds at most one session) once the store holds fewer than `maxSessions`,
    /// checking and creating under one gate so that concurrent creators cannot all pass the same
    /// count — in a cluster, the backend's gate shared by every node; `RenderingError.budgetExceeded`
    /// when the store is full, `.overloaded` when 4096 creators already wait or the gate is not had
    /// within 10 s. The tenant's own `max_sessions` (its sessions stored, expired ones not yet
    /// removed included) is checked under the same gate: `TenantLimitError.budgetExceeded`.
    public func admittingNewSession<T: Sendable>(tenant: TenantID = .default, _ create: () async throws -> T) async throws -> T {
        let maxSessions = configuration.maxSessions
        let tenantMax = usage.limits(for: tenant).maxSessions
        func checked(_ count: Int) async throws {
            guard count < maxSessions else {
                throw RenderingError.budgetExceeded(scope: "sessions", limit: maxSessions, used: count)
            }
            guard let tenantMax else { return }
            let stored = try await store.backend.summary(now: store.clock.now(), tenant: tenant).storedSessions
            guard stored < tenantMax else {
                let refusal = TenantLimitError.budgetExceeded(scope: "max_sessions", limit: tenantMax, used: stored, resetsAt: nil)
                usage.recordRefusal(refusal, tenant: tenant)
                throw refusal
            }
        }
        do {
            return try await creationGate.withLock(deadline: .now + .seconds(10)) {
                if let shared = store.cluster {
                    return try await shared.withCreationGate { stored in
                        try await checked(stored)
                        return try await create()
                    }
                }
                try await checked(try await store.sessionCount())
                return try await create()
            }
        } catch let refusal as LockRefusal {
            let waiting = if case .tooManyWaiters(let n) = refusal { n } else { creationGate.waiting }
            throw RenderingError.overloaded(retryAfterMs: 1000, queueLength: waiting)
        }
    }

    /// Adds an observer told of every session that ends (deleted or expired), before its profile
    /// directory is removed.
    public func observeSessionEnds(_ observer: any SessionEndObserver) {
        endObservers.withLock { $0.append(observer) }
    }

    /// Deletes a session and its profile directory (after its observers released what they held for
    /// it, e.g. the profile's running browser); whether it existed. In a cluster, a session whose
    /// warm context or profile browser lives on another node that is alive is deleted there
    /// (`RenderingError.ownedElsewhere`), unless another node forwarded the call here (`forwardedBy`).
    public func delete(_ id: SessionID, forwardedBy: String? = nil) async throws -> Bool {
        if let cluster, forwardedBy == nil,
            case .owner(let node) = await cluster.place(
                try await cluster.backend.placement(of: id), bindingProfile: nil, forwardedBy: nil)
        {
            throw RenderingError.ownedElsewhere(nodeID: node.nodeID, advertiseURL: node.advertiseURL)
        }
        guard let removed = try await store.remove(id) else { return false }
        await ended(id, profile: removed.profile)
        return true
    }

    /// Removes every expired session now — of `tenant`, or of every tenant when nil —, and their
    /// profiles; how many were removed.
    public func cleanup(tenant: TenantID?) async throws -> Int {
        let removed = try await store.cleanupExpired(tenant: tenant)
        for session in removed { await ended(session.id, profile: session.profile) }
        if !removed.isEmpty { logger.info("expired sessions removed", metadata: ["count": "\(removed.count)"]) }
        return removed.count
    }

    /// A session ended: observers first (they close what uses the profile), then its directory goes.
    private func ended(_ id: SessionID, profile: String?) async {
        for observer in endObservers.withLock({ $0 }) {
            await observer.sessionEnded(id, profile: profile)
        }
        profiles.remove(profile: profile, tenant: id.tenant)
    }

    /// A page of `tenant`'s live sessions.
    public func list(_ params: SessionListParams, tenant: TenantID) async throws -> SessionInfoPage {
        SessionInfoPage(try await store.listSessions(limit: params.limit ?? 100, cursor: params.cursor, tenant: tenant))
    }

    /// Runs `body` on the live session `id` atomically and returns its result with the session's
    /// wire form; nothing is stored when `body` or a limit throws.
    public func change<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext) throws(SessionError) -> R
    ) async throws(SessionError) -> R {
        try await store.withSession(id, body)
    }

    /// `change(_:_:)` for a change a controller holding the session would lose or contradict
    /// (`cookies.set|delete|clear`): refused with `RenderingError.sessionHeld` while it is held —
    /// on this node, or (in a cluster, one more read) on another, as its lease's holder says.
    public func changeUnlessHeld<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext) throws(SessionError) -> R
    ) async throws -> R {
        try holds.refuseIfHeld(id)
        if let cluster, let holder = try await cluster.backend.leaseHolder(of: id), let mark = ControlMark(leaseHolder: holder) {
            throw mark.refusal
        }
        return try await store.withSession(id, body)
    }
}

/// Told when a session ends (deleted or expired), before its profile directory is removed: the
/// render path gives back the session's warm context and closes its profile's browser.
public protocol SessionEndObserver: Sendable {
    func sessionEnded(_ id: SessionID, profile: String?) async
}
