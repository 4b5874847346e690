public import SessionContext
import Synchronization

/// The client-side session store (SPEC "Client library"): with it, every render on a session is
/// admitted locally first — created when new, refused when expired or over `max_requests`, with
/// no network call — and its outcome (final URL and render time, or the error) is recorded
/// atomically when the answer arrives. The server keeps its own sessions besides.
extension RpcClient {
    /// Turns on the client-side session store, in memory with `configuration` (sessions default
    /// to ttl 1800 s, auto-renew, unlimited requests); a cleanup task drops expired sessions every
    /// `Configuration.sessionCleanupInterval` until `shutdown()`. Does nothing when a store is
    /// already on. Returns the client, so it chains: `try RpcClient(url: u).enableSessions()`.
    @discardableResult
    public func enableSessions(
        configuration: RpcSessionStore<InMemorySessionBackend>.Configuration = .init()
    ) -> RpcClient {
        let interval = self.configuration.sessionCleanupInterval
        localSessions.withLock { current in
            guard current == nil else { return }
            let store = RpcSessionStore(configuration: configuration)
            current = LocalSessions(store: store, cleanup: interval.map { store.startCleanupTask(interval: $0) })
        }
        return self
    }

    /// Whether the client-side session store is on.
    public var sessionsEnabled: Bool {
        localSessions.withLock { $0 != nil }
    }

    /// The local session `id`, created with `config` (else the store's default) when it never
    /// existed; an access, so it renews it. Throws `.sessionExpired`, `.invalidParams` for a bad
    /// config, `.sessionsNotEnabled`.
    public func getOrCreateSession(_ id: SessionID, config: SessionConfig? = nil) async throws(RpcError)
        -> RpcSessionContext
    {
        try await withLocalStore { (store) throws(SessionError) in try await store.getOrCreate(id: id, config: config) }
    }

    /// The live local session `id` (an access: it renews it). Throws `.sessionNotFound`,
    /// `.sessionExpired`, `.sessionsNotEnabled`.
    public func getSession(_ id: SessionID) async throws(RpcError) -> RpcSessionContext {
        try await withLocalStore { (store) throws(SessionError) in try await store.get(id) }
    }

    /// The live local session `id` without renewing it (for inspection and metrics). Throws
    /// `.sessionNotFound`, `.sessionExpired`, `.sessionsNotEnabled`.
    public func peekSession(_ id: SessionID) async throws(RpcError) -> RpcSessionContext {
        try await withLocalStore { (store) throws(SessionError) in try await store.peek(id) }
    }

    /// Changes the live local session `id` with `body` in one atomic step (metadata, config…)
    /// and returns it; nothing is stored when `body` throws. Throws `.sessionNotFound`,
    /// `.sessionExpired`, `.invalidParams` when the result breaks a limit, `.sessionsNotEnabled`.
    @discardableResult
    public func updateSession(
        _ id: SessionID, _ body: (inout RpcSessionContext) throws(SessionError) -> Void
    ) async throws(RpcError) -> RpcSessionContext {
        try await withLocalStore { (store) throws(SessionError) in try await store.update(id, body) }
    }

    /// Removes the local session `id`; returns whether there was one. The server's session of the
    /// same id is untouched (`deleteSession(id:)` removes that). Throws `.sessionsNotEnabled`.
    @discardableResult
    public func removeSession(_ id: SessionID) async throws(RpcError) -> Bool {
        try await withLocalStore { (store) throws(SessionError) in try await store.remove(id) != nil }
    }

    /// Live local sessions in id order, a page at a time (`limit` 1...1000), without renewing them.
    public func localSessions(limit: Int = 100, cursor: String? = nil) async throws(RpcError) -> SessionPage {
        try await withLocalStore { (store) throws(SessionError) in try await store.listSessions(limit: limit, cursor: cursor, tenant: .default) }
    }

    /// Drops the expired local sessions now; returns how many.
    @discardableResult
    public func cleanupLocalSessions() async throws(RpcError) -> Int {
        try await withLocalStore { (store) throws(SessionError) in try await store.cleanupExpired(tenant: nil).count }
    }

    /// Figures of the client-side store: sessions, requests, render-time average and percentiles,
    /// errors (SPEC `SessionMetrics`). Throws `.sessionsNotEnabled`.
    public func getSessionMetrics() async throws(RpcError) -> SessionMetrics {
        try await withLocalStore { (store) throws(SessionError) in try await store.metrics(tenant: nil) }
    }

    /// The same as `getSessionMetrics()` (SPEC's name).
    public func sessionMetrics() async throws(RpcError) -> SessionMetrics {
        try await getSessionMetrics()
    }

    /// Runs `body` on the local store, mapping its errors.
    private func withLocalStore<T>(
        _ body: (any ClientSessionStore) async throws(SessionError) -> T
    ) async throws(RpcError) -> T {
        guard let store = localSessions.withLock({ $0?.store }) else { throw .sessionsNotEnabled }
        do {
            return try await body(store)
        } catch {
            throw RpcError(error)
        }
    }
}
