public import Foundation

/// Where a session store keeps its records: a small async protocol with conveniences in an
/// extension. Backends know one rule of session semantics, expiry (`expiresAt <= now` is expired),
/// so listing and cleanup can use an index; everything else (TTL, renewal, limits) is the store's.
///
/// Conformers: `InMemorySessionBackend` (here), `SQLiteSessionBackend` (SessionContextSQLite) and
/// `PostgresSessionBackend` (SessionContextPostgres).
///
/// Records are keyed by `SessionID`, which carries its tenant: two tenants' sessions of the same
/// text are two records. Listing, cleanup and the summary take the tenant they cover.
public protocol SessionBackend: Sendable {
    /// The record stored for `id`, expired or not; nil when there is none.
    func load(_ id: SessionID) async throws(SessionError) -> RpcSessionContext?

    /// Runs `body` atomically on the record for `id` (nil when absent) and stores what it leaves:
    /// a changed record is written, nil deletes, a new value creates. No other change of the same
    /// id runs in between. `body` cannot fail: to refuse, it returns without changing anything
    /// (e.g. a `Result`); `update` wraps this for bodies that throw. Backends may hand `body` the
    /// stored record in place, so this is the fast path. Assigning a record with another
    /// `sessionId` is a programming error. Throws only when the backend fails.
    func modify<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext?) -> R
    ) async throws(SessionError) -> R

    /// Up to `limit` records of `tenant` with an id after `cursor`'s text (from the first when nil),
    /// in ascending id order; only those live at `liveAt` when it is given.
    func list(in tenant: TenantID, after cursor: SessionID?, limit: Int, liveAt: Date?) async throws(SessionError)
        -> [RpcSessionContext]

    /// Removes up to `limit` records expired at `now` — of `tenant`, or of every tenant when nil —,
    /// counts them in their tenant's `summary().expiredCleaned` and returns what the caller must
    /// clean up after them.
    func deleteExpired(now: Date, limit: Int, tenant: TenantID?) async throws(SessionError) -> [RemovedSession]

    /// Aggregates over the stored records of `tenant` (of every tenant when nil) at `now` (see
    /// `SessionSummary`).
    func summary(now: Date, tenant: TenantID?) async throws(SessionError) -> SessionSummary

    /// Removes the record for `id`; returns it, or nil when there was none.
    func delete(_ id: SessionID) async throws(SessionError) -> RpcSessionContext?

    /// Number of stored records of every tenant, expired ones included.
    func count() async throws(SessionError) -> Int

    /// Releases the backend's resources; later calls fail with `.backend`.
    func close() async throws(SessionError)
}

extension SessionBackend {
    /// Runs `body` atomically on a copy of the record for `id` (nil when absent) and stores what
    /// it leaves, like `modify`; when `body` throws, nothing is written and the error is rethrown.
    /// Throws `.invalidValue` for `session_id` when `body` assigns a record with another id.
    public func update<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext?) throws(SessionError) -> R
    ) async throws(SessionError) -> R {
        try await modify(id) { (record: inout RpcSessionContext?) -> Result<R, SessionError> in
            RecordChange.apply(body, id: id, to: &record)
        }.get()
    }

    /// Removes the record through `modify`.
    public func delete(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        try await modify(id) { (record: inout RpcSessionContext?) -> RpcSessionContext? in
            defer { record = nil }
            return record
        }
    }

    /// Counts through `summary`.
    public func count() async throws(SessionError) -> Int {
        try await summary(now: Date(), tenant: nil).storedSessions
    }

    /// `list(in:after:limit:liveAt:)` in the cursor's tenant (`default` without a cursor).
    public func list(after cursor: SessionID?, limit: Int, liveAt: Date?) async throws(SessionError) -> [RpcSessionContext] {
        try await list(in: cursor?.tenant ?? .default, after: cursor, limit: limit, liveAt: liveAt)
    }

    /// Removes up to `limit` records of every tenant expired at `now`.
    public func deleteExpired(now: Date, limit: Int) async throws(SessionError) -> [RemovedSession] {
        try await deleteExpired(now: now, limit: limit, tenant: nil)
    }

    /// Aggregates over the stored records of every tenant.
    public func summary(now: Date) async throws(SessionError) -> SessionSummary {
        try await summary(now: now, tenant: nil)
    }

    /// Stores `session` unless its id is taken; returns whether it was stored.
    public func insert(_ session: RpcSessionContext) async throws(SessionError) -> Bool {
        try await modify(session.sessionId) { (record: inout RpcSessionContext?) -> Bool in
            guard record == nil else { return false }
            record = session
            return true
        }
    }

    /// Replaces (or creates) the record of `session.sessionId`.
    public func put(_ session: RpcSessionContext) async throws(SessionError) {
        try await modify(session.sessionId) { (record: inout RpcSessionContext?) in record = session }
    }

    /// Every stored record of `tenant`, in id order, read page by page (`pageSize` records per backend call).
    public func loadAll(tenant: TenantID = .default, pageSize: Int = 500) async throws(SessionError) -> [RpcSessionContext] {
        var all: [RpcSessionContext] = []
        var cursor: SessionID?
        while true {
            let page = try await list(in: tenant, after: cursor, limit: pageSize, liveAt: nil)
            all += page
            guard page.count == pageSize, let last = page.last else { return all }
            cursor = last.sessionId
        }
    }
}

/// A session removed by cleanup: what the caller must tidy up after it (e.g. its profile directory);
/// `id` carries its tenant.
public struct RemovedSession: Sendable, Hashable {
    public var id: SessionID
    public var profile: String?

    public init(id: SessionID, profile: String?) {
        self.id = id
        self.profile = profile
    }
}
