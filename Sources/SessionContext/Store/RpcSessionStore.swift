import Foundation
public import RenderTypes
import Synchronization

/// THE session store of client and server: TTL with optional auto-renew, request limits, metrics,
/// cleanup, over any `SessionBackend` (in memory by default; the server runs it over SQLite).
///
/// Semantics (SPEC "Session semantics"): a session expires `ttl` after its last access with
/// auto-renew, else `ttl` after creation. An expired session is never served and never silently
/// reset: every call that would serve it throws `.expired` until cleanup removes it. Each call is
/// one atomic read-modify-write of the backend, so concurrent calls never lose an update and a
/// `maxRequests` limit is never overshot. Time comes from the injected `WallClock`.
public final class RpcSessionStore<Backend: SessionBackend>: Sendable {
    /// Store-wide settings. Defaults are the client store's (SPEC): the server sets its own.
    public struct Configuration: Sendable {
        /// Config of sessions created without one (by `getOrCreate`, `beginRequest`, `create`).
        public var defaultConfig: SessionConfig
        /// Bounds checked on create and on every `update`/`withSession`.
        public var limits: SessionLimits
        /// Most sessions one backend call of `cleanupExpired` removes (it loops until done).
        public var cleanupBatchSize: Int

        public init(
            defaultConfig: SessionConfig = SessionConfig(), limits: SessionLimits = SessionLimits(),
            cleanupBatchSize: Int = 1000
        ) {
            self.defaultConfig = defaultConfig
            self.limits = limits
            self.cleanupBatchSize = max(1, cleanupBatchSize)
        }
    }

    /// Where the records live.
    public let backend: Backend
    /// The store's settings.
    public let configuration: Configuration
    /// The wall clock every timestamp and expiry check reads.
    public let clock: any WallClock
    @usableFromInline let histogram = RenderTimeHistogram()
    /// The render times of each tenant apart, for its own `metrics(tenant:)`.
    private let tenantHistograms = Mutex<[TenantID: RenderTimeHistogram]>([:])
    private let cleanupTasks = Mutex<[Task<Void, Never>]>([])

    /// A store over `backend`, reading time from `clock`.
    public init(backend: Backend, clock: any WallClock = SystemWallClock(), configuration: Configuration = Configuration()) {
        self.backend = backend
        self.clock = clock
        self.configuration = configuration
    }

    deinit {
        for task in cleanupTasks.withLock({ $0 }) { task.cancel() }
    }

    // MARK: Reading and creating

    /// The live session `id`, touched; created with `config` (else the default) when it never
    /// existed. Throws `.expired` for an expired one (it is not reset), `.invalidValue` for a bad config.
    @inlinable
    public func getOrCreate(id: SessionID, config: SessionConfig? = nil) async throws(SessionError) -> RpcSessionContext {
        let now = clock.now()
        let limits = configuration.limits
        let config = config ?? configuration.defaultConfig
        return try await backend.modify(id) { (record: inout RpcSessionContext?) -> Result<RpcSessionContext, SessionError> in
            guard record != nil else {
                do throws(SessionError) {
                    try limits.validate(config)
                } catch {
                    return .failure(error)
                }
                let created = RpcSessionContext(sessionId: id, config: config, now: now)
                record = created
                return .success(created)
            }
            if let refusal = record!.admit(at: now, countingRequest: false) { return .failure(refusal) }
            return .success(record!)
        }.get()
    }

    /// Creates a session (with an id generated in `tenant` when `id` is nil; a given `id` carries its
    /// own tenant). Throws `.alreadyExists` when the id is taken (also by an expired session not yet
    /// cleaned up), `.invalidValue` for bad input.
    public func create(
        id: SessionID? = nil, tenant: TenantID = .default, config: SessionConfig? = nil, metadata: [String: JSONValue] = [:],
        profile: String? = nil, keepWarm: Bool = false
    ) async throws(SessionError) -> RpcSessionContext {
        let limits = configuration.limits
        let config = config ?? configuration.defaultConfig
        try limits.validate(config)
        let metadata = metadata.filter { !$0.value.isNull }
        try limits.validate(metadata: metadata)
        let id = id ?? SessionID.generate(tenant: tenant)
        let session = RpcSessionContext(
            sessionId: id, config: config, now: clock.now(), metadata: metadata, profile: profile, keepWarm: keepWarm
        )
        return try await backend.update(id) { (record: inout RpcSessionContext?) throws(SessionError) in
            guard record == nil else { throw .alreadyExists(id) }
            record = session
            return session
        }
    }

    /// The live session `id`, touched (an access renews it). Throws `.notFound` or `.expired`.
    @inlinable
    public func get(_ id: SessionID) async throws(SessionError) -> RpcSessionContext {
        let now = clock.now()
        return try await backend.modify(id) { (record: inout RpcSessionContext?) -> Result<RpcSessionContext, SessionError> in
            guard record != nil else { return .failure(.notFound(id)) }
            if let refusal = record!.admit(at: now, countingRequest: false) { return .failure(refusal) }
            return .success(record!)
        }.get()
    }

    /// The live session `id` without touching it (inspection). Throws `.notFound` or `.expired`.
    public func peek(_ id: SessionID) async throws(SessionError) -> RpcSessionContext {
        let now = clock.now()
        guard var session = try await backend.load(id) else { throw .notFound(id) }
        if let refusal = session.refusal(at: now, admittingRequest: false) { throw refusal }
        session.state = session.currentState(at: now)
        return session
    }

    // MARK: Changing

    /// Runs `body` on the live session `id` as one atomic read-modify-write and returns its result.
    /// The session is touched first; the result is checked against `SessionLimits`. When `body` (or
    /// a limit) throws, nothing is stored. Throws `.notFound`, `.expired`, or what `body` throws.
    public func withSession<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext) throws(SessionError) -> R
    ) async throws(SessionError) -> R {
        let now = clock.now()
        let limits = configuration.limits
        return try await backend.update(id) { (record: inout RpcSessionContext?) throws(SessionError) -> R in
            guard record != nil else { throw .notFound(id) }
            if let refusal = record!.admit(at: now, countingRequest: false) { throw refusal }
            let result = try body(&record!)
            try limits.validate(record!)
            record!.state = record!.currentState(at: now)
            return result
        }
    }

    /// Changes the live session `id` with `body` (as `withSession`) and returns the stored result.
    @discardableResult
    public func update(
        _ id: SessionID, _ body: (inout RpcSessionContext) throws(SessionError) -> Void
    ) async throws(SessionError) -> RpcSessionContext {
        try await withSession(id) { (session: inout RpcSessionContext) throws(SessionError) in
            try body(&session)
            return session
        }
    }

    /// Merges `patch` into the session's metadata (a JSON null removes a key). Throws
    /// `.invalidValue` when the result exceeds the metadata limits, and then changes nothing.
    @discardableResult
    public func mergeMetadata(_ id: SessionID, _ patch: [String: JSONValue]) async throws(SessionError)
        -> RpcSessionContext
    {
        try await update(id) { $0.mergeMetadata(patch) }
    }

    /// Gives the live session `id` a new ttl counted from now. Throws `.invalidValue` for a ttl
    /// outside the limits, `.notFound`, `.expired`.
    @discardableResult
    public func extend(_ id: SessionID, ttlSeconds: Int) async throws(SessionError) -> RpcSessionContext {
        try configuration.limits.validateTTL(ttlSeconds)
        let now = clock.now()
        return try await update(id) { $0.extend(ttlSeconds: ttlSeconds, at: now) }
    }

    /// Removes session `id` whatever its state; returns the removed record (the caller deletes its
    /// profile directory), or nil when there was none.
    @discardableResult
    public func remove(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        try await backend.delete(id)
    }

    // MARK: Requests

    /// Admits one request on session `id` before any work starts: checks it is live and under its
    /// limit, counts the request and touches it, atomically. With `createIfMissing`, a session that
    /// never existed is created with the default config (SPEC, `render` with a new `session_id`), its
    /// ttl `ttlSeconds` when given (checked against the limits).
    /// Throws `.notFound`, `.expired`, or `.requestLimitReached` (that request is not counted).
    /// `bindingProfile` is stored as the session's profile, in the same update, when an admitted
    /// session has none yet.
    @inlinable @discardableResult
    public func beginRequest(
        _ id: SessionID, createIfMissing: Bool = false, bindingProfile profile: String? = nil
    ) async throws(SessionError) -> RpcSessionContext {
        try await beginRequest(id, createIfMissing: createIfMissing, bindingProfile: profile, ttlSeconds: nil)
    }

    /// `beginRequest`, a session it creates living `ttlSeconds` (when given) instead of the default ttl.
    @inlinable @discardableResult
    public func beginRequest(
        _ id: SessionID, createIfMissing: Bool, bindingProfile profile: String?, ttlSeconds: Int?
    ) async throws(SessionError) -> RpcSessionContext {
        let now = clock.now()
        let limits = configuration.limits
        var defaultConfig = configuration.defaultConfig
        if let ttlSeconds { defaultConfig.ttlSeconds = ttlSeconds }
        return try await backend.modify(id) { (record: inout RpcSessionContext?) -> Result<RpcSessionContext, SessionError> in
            if record == nil {
                guard createIfMissing else { return .failure(.notFound(id)) }
                do throws(SessionError) {
                    try limits.validate(defaultConfig)
                } catch {
                    return .failure(error)
                }
                record = RpcSessionContext(sessionId: id, config: defaultConfig, now: now)
            }
            if let refusal = record!.admit(at: now, countingRequest: true) { return .failure(refusal) }
            if let profile, record!.profile == nil { record!.profile = profile }
            return .success(record!)
        }.get()
    }

    /// Records the outcome of a request admitted by `beginRequest`: its URL and render time (not
    /// counted again). Works on a session that expired meanwhile (the request was admitted), without
    /// renewing it. Throws `.notFound` when the session was removed meanwhile.
    @inlinable
    public func completeRequest(_ id: SessionID, url: String?, renderTimeMs: Double) async throws(SessionError) {
        let now = clock.now()
        let tracked = try await backend.modify(id) { (record: inout RpcSessionContext?) -> Result<Bool, SessionError> in
            guard record != nil else { return .failure(.notFound(id)) }
            record!.recordRender(url: url, renderTimeMs: renderTimeMs)
            if !record!.isExpired(at: now) { record!.touch(at: now) }
            return .success(record!.config.trackMetrics)
        }.get()
        if tracked { recordRenderTime(renderTimeMs, of: id) }
    }

    /// Writes back everything a request admitted by `beginRequest` left — URL, render time, error,
    /// cookies, localStorage — in one atomic update (not counted again; a session that expired
    /// meanwhile is updated without being renewed). Throws `.notFound` when the session was removed
    /// meanwhile, `.invalidValue` when the new state breaks a `SessionLimits` bound (then nothing is
    /// stored: retry with less state, or without it); returns the stored session.
    @discardableResult
    public func completeRequest(_ id: SessionID, _ outcome: RequestOutcome) async throws(SessionError)
        -> RpcSessionContext
    {
        try await completeRequest(id, outcome, fence: nil)
    }

    /// `completeRequest(_:_:)` under a `fence` when one is given (a render under a cluster-wide
    /// lease): the write is made only while its lease is the session's newest, else `.leaseLost`;
    /// only a `ClusterSessionBackend` grants leases.
    @discardableResult
    public func completeRequest(_ id: SessionID, _ outcome: RequestOutcome, fence: SessionFence?)
        async throws(SessionError) -> RpcSessionContext
    {
        let now = clock.now()
        let limits = configuration.limits
        let change = { (record: inout RpcSessionContext?) throws(SessionError) -> RpcSessionContext in
            guard var session = record else { throw .notFound(id) }
            if let renderTimeMs = outcome.renderTimeMs {
                session.recordRender(url: outcome.url, renderTimeMs: renderTimeMs)
            } else if let url = outcome.url {
                session.lastUrl = RpcSessionContext.bounded(url)
            }
            if let error = outcome.error { session.recordError(error) }
            if let cookies = outcome.cookies {
                if let before = outcome.cookiesBefore {
                    session.applyCookieChanges(from: before, to: cookies)
                } else {
                    session.cookies = cookies
                }
            }
            if let storage = outcome.localStorage { session.localStorage.merge(storage) { _, new in new } }
            try limits.validate(session)
            if !session.isExpired(at: now) { session.touch(at: now) }
            record = session
            return session
        }
        let session: RpcSessionContext
        if let fence {
            guard let cluster else {
                throw .backend("a write under a lease needs a backend shared by several nodes; this one grants none")
            }
            session = try await cluster.update(id, fencedBy: fence, change)
        } else {
            session = try await backend.update(id, change)
        }
        if let renderTimeMs = outcome.renderTimeMs, session.config.trackMetrics {
            recordRenderTime(renderTimeMs, of: id)
        }
        return session
    }

    /// Records a render time in the store's histogram and in the session's tenant's.
    @usableFromInline
    func recordRenderTime(_ milliseconds: Double, of id: SessionID) {
        histogram.record(milliseconds, shardHint: id.shardHash)
        let tenantHistogram = tenantHistograms.withLock { histograms in
            if let existing = histograms[id.tenant] { return existing }
            let created = RenderTimeHistogram()
            histograms[id.tenant] = created
            return created
        }
        tenantHistogram.record(milliseconds, shardHint: id.shardHash)
    }

    /// The backend's cluster capabilities (leases, placement, the creation gate, heartbeats) when
    /// several nodes share it; nil for the backends of one node.
    public var cluster: (any ClusterSessionBackend)? {
        (backend as? any ClusterSessionBackend) ?? (backend as? AnySessionBackend)?.cluster
    }

    /// Counts one finished request on session `id` and records its URL and render time, in one
    /// atomic step (the client's flow: `getOrCreate`, render, `recordRequest`). Throws `.notFound`,
    /// `.expired`, or `.requestLimitReached` (then nothing is recorded).
    @inlinable
    public func recordRequest(_ id: SessionID, url: String?, renderTimeMs: Double) async throws(SessionError) {
        let now = clock.now()
        let tracked = try await backend.modify(id) { (record: inout RpcSessionContext?) -> Result<Bool, SessionError> in
            guard record != nil else { return .failure(.notFound(id)) }
            if let refusal = record!.admit(at: now, countingRequest: true) { return .failure(refusal) }
            record!.recordRender(url: url, renderTimeMs: renderTimeMs)
            return .success(record!.config.trackMetrics)
        }.get()
        if tracked { recordRenderTime(renderTimeMs, of: id) }
    }

    /// Counts an error on session `id` and keeps `message` as its last error. Works on an expired
    /// session (the failing request was admitted before). Throws `.notFound`.
    @inlinable
    public func recordError(_ id: SessionID, message: String) async throws(SessionError) {
        try await backend.modify(id) { (record: inout RpcSessionContext?) -> Result<Void, SessionError> in
            guard record != nil else { return .failure(.notFound(id)) }
            record!.recordError(message)
            return .success(())
        }.get()
    }

    // MARK: Whole store

    /// Removes every session expired now — of `tenant`, or of every tenant when nil —, in batches
    /// of `cleanupBatchSize`; returns what was removed.
    @discardableResult
    public func cleanupExpired(tenant: TenantID? = nil) async throws(SessionError) -> [RemovedSession] {
        let now = clock.now()
        let batch = configuration.cleanupBatchSize
        var removed: [RemovedSession] = []
        while true {
            let page = try await backend.deleteExpired(now: now, limit: batch, tenant: tenant)
            removed += page
            if page.count < batch { return removed }
        }
    }

    /// Number of stored sessions of every tenant, expired ones not yet cleaned up included.
    public func sessionCount() async throws(SessionError) -> Int {
        try await backend.count()
    }

    /// Live sessions of `tenant` in id order, `limit` (1...1000) per page, starting after `cursor` (a
    /// previous page's `nextCursor`). Does not touch the sessions. Throws `.invalidValue` for a bad
    /// limit or cursor.
    public func listSessions(limit: Int = 100, cursor: String? = nil, tenant: TenantID = .default) async throws(SessionError)
        -> SessionPage
    {
        guard (1...1000).contains(limit) else {
            throw .invalidValue(field: "limit", reason: "must be between 1 and 1000")
        }
        var after: SessionID?
        if let cursor {
            guard let id = try? SessionID(validating: cursor, tenant: tenant) else {
                throw .invalidValue(field: "cursor", reason: "is not a cursor returned by session.list")
            }
            after = id
        }
        let now = clock.now()
        var sessions = try await backend.list(in: tenant, after: after, limit: limit + 1, liveAt: now)
        var nextCursor: String?
        if sessions.count > limit {
            sessions.removeLast(sessions.count - limit)
            nextCursor = sessions.last?.sessionId.rawValue
        }
        for index in sessions.indices {
            sessions[index].state = sessions[index].currentState(at: now)
        }
        return SessionPage(sessions: sessions, nextCursor: nextCursor)
    }

    /// Aggregate figures over the stored sessions of `tenant` (of every tenant when nil) plus
    /// render-time percentiles of the same sessions' renders (see `SessionMetrics`).
    public func metrics(tenant: TenantID? = nil) async throws(SessionError) -> SessionMetrics {
        let summary = try await backend.summary(now: clock.now(), tenant: tenant)
        let percentiles: [Double]
        if let tenant {
            let tenantHistogram = tenantHistograms.withLock { $0[tenant] }
            percentiles = tenantHistogram?.values(at: [0.5, 0.95, 0.99]) ?? [0, 0, 0]
        } else {
            percentiles = histogram.values(at: [0.5, 0.95, 0.99])
        }
        return SessionMetrics(
            activeSessions: summary.activeSessions,
            totalRequests: summary.totalRequests,
            avgSessionAgeSeconds: summary.activeSessions == 0
                ? 0 : summary.totalActiveAgeSeconds / Double(summary.activeSessions),
            totalRenderTimeMs: summary.totalRenderTimeMs,
            avgRenderTimeMs: summary.renderedRequests == 0
                ? 0 : summary.totalRenderTimeMs / Double(summary.renderedRequests),
            p50RenderMs: percentiles[0],
            p95RenderMs: percentiles[1],
            p99RenderMs: percentiles[2],
            expiredCleaned: summary.expiredCleaned,
            errors: summary.errors
        )
    }

    /// Runs `cleanupExpired` every `interval` until the returned handle is stopped or the store is
    /// released (the task holds the store weakly). `onPass` hears each pass's outcome.
    @discardableResult
    public func startCleanupTask(
        interval: Duration,
        onPass: (@Sendable (Result<[RemovedSession], SessionError>) -> Void)? = nil
    ) -> SessionCleanupTask {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                guard let store = self else { return }
                let outcome: Result<[RemovedSession], SessionError>
                do throws(SessionError) {
                    outcome = .success(try await store.cleanupExpired())
                } catch {
                    outcome = .failure(error)
                }
                onPass?(outcome)
            }
        }
        cleanupTasks.withLock { tasks in
            tasks.removeAll { $0.isCancelled }
            tasks.append(task)
        }
        return SessionCleanupTask(task: task)
    }

    /// Stops the cleanup tasks and closes the backend; later calls fail with `.backend`.
    public func close() async throws(SessionError) {
        let tasks = cleanupTasks.withLock { tasks in
            defer { tasks.removeAll() }
            return tasks
        }
        for task in tasks {
            task.cancel()
            await task.value
        }
        try await backend.close()
    }
}

extension RpcSessionStore where Backend == InMemorySessionBackend {
    /// A store over a new in-memory backend.
    public convenience init(clock: any WallClock = SystemWallClock(), configuration: Configuration = Configuration()) {
        self.init(backend: InMemorySessionBackend(), clock: clock, configuration: configuration)
    }
}
