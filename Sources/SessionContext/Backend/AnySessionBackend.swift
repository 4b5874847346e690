public import Foundation

/// A backend chosen at run time (e.g. by a command-line flag) behind one concrete type, so
/// `RpcSessionStore<AnySessionBackend>` can run over any of them. Each call costs one dynamic
/// dispatch more than the concrete backend.
public struct AnySessionBackend: SessionBackend {
    /// The wrapped backend.
    public let base: any SessionBackend

    /// The wrapped backend's cluster capabilities, when it is shared by several nodes.
    public let cluster: (any ClusterSessionBackend)?

    public init(_ base: any SessionBackend) {
        self.base = base
        self.cluster = base as? any ClusterSessionBackend
    }

    public func load(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        try await base.load(id)
    }

    public func modify<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext?) -> R
    ) async throws(SessionError) -> R {
        try await base.modify(id, body)
    }

    public func list(in tenant: TenantID, after cursor: SessionID?, limit: Int, liveAt: Date?) async throws(SessionError)
        -> [RpcSessionContext]
    {
        try await base.list(in: tenant, after: cursor, limit: limit, liveAt: liveAt)
    }

    public func deleteExpired(now: Date, limit: Int, tenant: TenantID?) async throws(SessionError) -> [RemovedSession] {
        try await base.deleteExpired(now: now, limit: limit, tenant: tenant)
    }

    public func summary(now: Date, tenant: TenantID?) async throws(SessionError) -> SessionSummary {
        try await base.summary(now: now, tenant: tenant)
    }

    public func delete(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        try await base.delete(id)
    }

    public func count() async throws(SessionError) -> Int {
        try await base.count()
    }

    public func close() async throws(SessionError) {
        try await base.close()
    }
}
