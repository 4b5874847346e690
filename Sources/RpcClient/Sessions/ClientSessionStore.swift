import SessionContext

/// What `RpcClient` needs of an `RpcSessionStore`, whatever its backend, so one client type can
/// hold a store over any `SessionBackend`.
protocol ClientSessionStore: Sendable {
    @discardableResult
    func beginRequest(
        _ id: SessionID, createIfMissing: Bool, bindingProfile profile: String?
    ) async throws(SessionError) -> RpcSessionContext
    @discardableResult
    func completeRequest(_ id: SessionID, _ outcome: RequestOutcome) async throws(SessionError) -> RpcSessionContext
    func getOrCreate(id: SessionID, config: SessionConfig?) async throws(SessionError) -> RpcSessionContext
    func get(_ id: SessionID) async throws(SessionError) -> RpcSessionContext
    func peek(_ id: SessionID) async throws(SessionError) -> RpcSessionContext
    @discardableResult
    func update(
        _ id: SessionID, _ body: (inout RpcSessionContext) throws(SessionError) -> Void
    ) async throws(SessionError) -> RpcSessionContext
    @discardableResult
    func remove(_ id: SessionID) async throws(SessionError) -> RpcSessionContext?
    func listSessions(limit: Int, cursor: String?, tenant: TenantID) async throws(SessionError) -> SessionPage
    func metrics(tenant: TenantID?) async throws(SessionError) -> SessionMetrics
    func cleanupExpired(tenant: TenantID?) async throws(SessionError) -> [RemovedSession]
}

extension RpcSessionStore: ClientSessionStore {}

/// The client-side session store of one client and the cleanup task the client runs for it.
struct LocalSessions: Sendable {
    let store: any ClientSessionStore
    /// Running only for stores the client created itself.
    let cleanup: SessionCleanupTask?
}
