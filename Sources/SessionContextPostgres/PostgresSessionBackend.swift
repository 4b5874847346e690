import AsyncSupport
public import CoreMetrics
public import Foundation
public import Logging
import PostgresNIO
public import SessionContext
import Synchronization

/// Sessions in PostgreSQL, shared by every node that opens the same database, through postgres-nio's
/// `PostgresClient` (a connection pool).
///
/// - Every change is one transaction: `modify` is BEGIN; SELECT … FOR UPDATE (the row lock makes
///   two nodes' changes of one session wait for each other, so none is lost); the body; one
///   INSERT, UPDATE or DELETE; COMMIT. A session that does not exist yet has no row to lock, so
///   creation also takes a transaction-scoped advisory lock on the id: the body runs exactly once.
/// - `deleteExpired` is one statement that deletes with `FOR UPDATE SKIP LOCKED` and adds what it
///   deleted to the shared `expired_cleaned` counter, so nodes sweeping at once remove and count
///   each session once.
/// - The schema is migrated at start under an advisory lock (see `PostgresSchema`).
/// - The database may be down: the backend starts at once and connects in the background, retrying
///   with backoff (one log line per attempt); until it is reachable, and again after a connection
///   failure until a retry succeeds, calls fail at once with `.unavailable` naming the database.
///   Every call is bounded by `operationTimeout`.
///
/// Call `close()` before releasing it: it stops the pool and the reconnection task.
public final class PostgresSessionBackend: SessionBackend {
    /// Where the database is (its `description` has no password).
    public let url: PostgresDatabaseURL
    /// The pool, limits and retry pace.
    public let configuration: Configuration
    let client: PostgresClient
    let logger: Logger
    let connection: ConnectionMonitor
    let metrics: PostgresStoreMetrics
    /// This node's creators take turns at the creation gate (see `withCreationGate`).
    let creationTurns = SerialLock(maxWaiters: 4096)
    /// Runs the pool and the reconnection loop until `close()`.
    private let upkeep = Mutex<Task<Void, Never>?>(nil)

    /// The schema version this build writes.
    public static var schemaVersion: Int { PostgresSchema.latestVersion }

    /// A backend for the database at `url` that starts connecting (and migrating) in the background
    /// and returns at once; calls fail with `.unavailable` until the database is reachable
    /// (`waitUntilReady` waits for that). Its calls' figures are recorded through `metrics`.
    public init(
        url: PostgresDatabaseURL, configuration: Configuration = Configuration(),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger = Logger(label: "tidepool.sessions.postgres")
    ) {
        self.url = url
        self.configuration = configuration
        self.logger = logger
        self.metrics = PostgresStoreMetrics(factory: metrics, maximumConnections: configuration.maximumConnections)
        self.connection = ConnectionMonitor(location: url.location)
        var clientConfiguration = url.clientConfiguration
        clientConfiguration.options.maximumConnections = configuration.maximumConnections
        clientConfiguration.options.connectTimeout = configuration.connectTimeout
        // Bounds on the server's side too, a little inside the call's own so that a slow statement
        // or a long lock wait is reported as the database's error, not as a lost connection; and a
        // transaction left open by a frozen node ends and releases its locks.
        let timeout = "\(configuration.operationTimeout.wholeMilliseconds * 4 / 5)"
        clientConfiguration.options.additionalStartupParameters = [
            ("application_name", configuration.applicationName),
            ("statement_timeout", timeout),
            ("lock_timeout", timeout),
            ("idle_in_transaction_session_timeout", "\(2 * configuration.operationTimeout.wholeMilliseconds)"),
        ]
        client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        upkeep.withLock { $0 = Task { [self] in await self.maintain() } }
    }

    /// Opens the database at `url` and waits until it is reachable and migrated. Throws
    /// `.unavailable` naming the database when that takes longer than `timeout` (the last failure
    /// said), `.backend` when its schema is newer than this build's; the backend is closed then.
    public static func open(
        url: PostgresDatabaseURL, configuration: Configuration = Configuration(), timeout: Duration = .seconds(30),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance, logger: Logger = Logger(label: "tidepool.sessions.postgres")
    ) async throws(SessionError) -> PostgresSessionBackend {
        let backend = PostgresSessionBackend(url: url, configuration: configuration, metrics: metrics, logger: logger)
        do {
            try await backend.waitUntilReady(timeout: timeout)
        } catch {
            try? await backend.close()
            throw error
        }
        return backend
    }

    /// Returns once the database is reachable and migrated; throws what kept it from being so when
    /// `timeout` passes first (`.unavailable`, or `.backend` for a schema from a newer build), or
    /// `.backend` when the backend is closed.
    public func waitUntilReady(timeout: Duration) async throws(SessionError) {
        try await connection.waitUntilReady(timeout: timeout)
    }

    /// Whether calls go to the database now (reachable and migrated), or the error they fail with.
    public var readiness: Result<Void, SessionError> { connection.readiness }

    // MARK: SessionBackend

    public func load(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        try await session(
            "read session \(id)", "SELECT \(unescaped: SessionRow.selected) FROM tidepool_sessions WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue)")
    }

    public func modify<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext?) -> R
    ) async throws(SessionError) -> R {
        try await change(id, fence: nil, body)
    }

    public func list(in tenant: TenantID, after cursor: SessionID?, limit: Int, liveAt: Date?) async throws(SessionError)
        -> [RpcSessionContext]
    {
        guard limit > 0 else { return [] }
        let location = url.location
        return try await call("list sessions") { [client] in
            let after = cursor?.rawValue ?? ""
            let tenant = tenant.rawValue
            let rows: PostgresRowSequence
            if let liveAt {
                rows = try await client.query(
                    """
                    SELECT \(unescaped: SessionRow.selected) FROM tidepool_sessions
                    WHERE tenant = \(tenant) AND id > \(after) AND expires_at > \(liveAt.timeIntervalSince1970)
                    ORDER BY id LIMIT \(limit)
                    """
                )
            } else {
                rows = try await client.query(
                    """
                    SELECT \(unescaped: SessionRow.selected) FROM tidepool_sessions
                    WHERE tenant = \(tenant) AND id > \(after) ORDER BY id LIMIT \(limit)
                    """
                )
            }
            var records: [RpcSessionContext] = []
            for try await row in rows { records.append(try SessionRow.decode(row, database: location)) }
            return records
        }
    }

    public func deleteExpired(now: Date, limit: Int, tenant: TenantID?) async throws(SessionError) -> [RemovedSession] {
        guard limit > 0 else { return [] }
        let location = url.location
        return try await call("delete expired sessions") { [client] in
            // One statement, so one transaction: the rows it deletes and the count it adds commit
            // together. SKIP LOCKED leaves rows another sweeper (or a change) holds to that one.
            let rows = try await client.query(
                """
                WITH removed AS (
                    DELETE FROM tidepool_sessions WHERE (tenant, id) IN (
                        SELECT tenant, id FROM tidepool_sessions WHERE expires_at <= \(now.timeIntervalSince1970)
                            AND (\(tenant?.rawValue)::text IS NULL OR tenant = \(tenant?.rawValue))
                        ORDER BY expires_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
                    )
                    RETURNING tenant, id, profile
                ), counted AS (
                    INSERT INTO tidepool_counters (name, value)
                    SELECT CASE WHEN tenant = 'default' THEN 'expired_cleaned' ELSE 'expired_cleaned:' || tenant END, count(*)
                    FROM removed GROUP BY tenant
                    ON CONFLICT (name) DO UPDATE SET value = tidepool_counters.value + excluded.value
                )
                SELECT tenant, id, profile FROM removed
                """
            )
            var removed: [RemovedSession] = []
            for try await (tenantText, text, profile) in rows.decode((String, String, String?).self) {
                guard let tenant = TenantID(tenantText), let id = try? SessionID(validating: text, tenant: tenant) else {
                    throw SessionError.backend("\(location) holds an invalid session id or tenant")
                }
                removed.append(RemovedSession(id: id, profile: profile))
            }
            return removed
        }
    }

    public func summary(now: Date, tenant: TenantID?) async throws(SessionError) -> SessionSummary {
        try await call("summarize sessions") { [client] in
            let instant = now.timeIntervalSince1970
            let tenantText = tenant?.rawValue
            let counter = tenant.map { SessionSummary.expiredCleanedCounterName(for: $0) }
            let rows = try await client.query(
                """
                SELECT count(*),
                    count(*) FILTER (WHERE expires_at > \(instant)),
                    coalesce(sum(request_count), 0)::bigint,
                    coalesce(sum(render_count), 0)::bigint,
                    coalesce(sum(render_time_ms), 0)::double precision,
                    coalesce(sum(error_count), 0)::bigint,
                    coalesce(sum(greatest(0, \(instant) - created_at)) FILTER (WHERE expires_at > \(instant)), 0)::double precision,
                    coalesce((SELECT sum(value) FROM tidepool_counters WHERE CASE WHEN \(counter)::text IS NULL
                        THEN name = 'expired_cleaned' OR name LIKE \(SessionSummary.expiredCleanedCounterPattern)
                        ELSE name = \(counter) END), 0)::bigint
                FROM tidepool_sessions WHERE \(tenantText)::text IS NULL OR tenant = \(tenantText)
                """
            )
            var summary = SessionSummary()
            for try await row in rows {
                let figures = try row.decode((Int, Int, Int, Int, Double, Int, Double, Int).self)
                summary.storedSessions = figures.0
                summary.activeSessions = figures.1
                summary.totalRequests = figures.2
                summary.renderedRequests = figures.3
                summary.totalRenderTimeMs = figures.4
                summary.errors = figures.5
                summary.totalActiveAgeSeconds = figures.6
                summary.expiredCleaned = figures.7
            }
            return summary
        }
    }

    public func delete(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        try await session(
            "delete session \(id)",
            "DELETE FROM tidepool_sessions WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue) RETURNING \(unescaped: SessionRow.selected)"
        )
    }

    public func count() async throws(SessionError) -> Int {
        try await call("count sessions") { [client] in
            for try await count in try await client.query("SELECT count(*) FROM tidepool_sessions").decode(Int.self) {
                return count
            }
            return 0
        }
    }

    /// Stops reconnecting and closes the pool (calls in flight finish or fail first). Later calls
    /// fail with `.backend`; closing twice does nothing.
    public func close() async throws(SessionError) {
        guard connection.close() else { return }
        let task = upkeep.withLock { $0 }
        task?.cancel()
        await task?.value
        logger.debug("session database closed", metadata: ["database": "\(url)"])
    }

    // MARK: Internals

    /// Runs `operation` once the database is ready, within the operation timeout, and turns what
    /// it throws into a `SessionError` naming the database; a connection failure also starts
    /// reconnecting.
    func call<R: Sendable>(
        _ what: @autoclosure () -> String, abandonable: @escaping @Sendable () -> Abandonment = { .beforeTheChange },
        _ operation: @escaping @Sendable () async throws -> R
    ) async throws(SessionError) -> R {
        try connection.readiness.get()
        return try await measured(what()) { () async throws(SessionError) -> R in
            let started = connection.instant()
            do {
                let result = try await withOperationDeadline(
                    configuration.operationTimeout, abandonable: abandonable, operation)
                connection.succeeded()
                return result
            } catch {
                throw failure(error, what: what(), since: started)
            }
        }
    }

    /// Runs `body` (one call to the database) counted in flight and timed by how it ended.
    func measured<R>(_ what: @autoclosure () -> String, _ body: () async throws(SessionError) -> R)
        async throws(SessionError) -> R
    {
        let began = ContinuousClock.now
        metrics.started()
        do {
            let result = try await body()
            metrics.ended(.ok, after: .now - began)
            return result
        } catch {
            metrics.ended(Self.outcome(of: error), after: .now - began)
            throw error
        }
    }

    /// How a call that failed with `error` counts in the metrics.
    static func outcome(of error: SessionError) -> PostgresStoreMetrics.Outcome {
        guard case .unavailable(let reason) = error else { return .error }
        return reason.contains(busyMarker) ? .busy : .unavailable
    }

    /// What the reason of every busy refusal says (a pool whose connections were all taken, a lock
    /// wait past `lock_timeout`, the creation gate not had in time).
    static let busyMarker = " is busy"

    /// The `SessionError` a failed call that started at `started` (on the monitor's clock) gets;
    /// a connection failure also starts reconnecting.
    func failure(_ error: any Error, what: @autoclosure () -> String, since started: Int) -> SessionError {
        // The caller gave up (a client that left): the database is not at fault, so this is no
        // reason to stop serving the others.
        if Task.isCancelled { return .backend("\(what()) on \(url.location) was cancelled") }
        // Out of time while other calls went through: the pool's connections were all busy (a
        // burst), not gone. Only a timeout during which nothing succeeded means a lost database.
        if let timeout = PostgresFailure.unwrapped(error) as? OperationTimeout, !timeout.outcomeUnknown,
            connection.anySuccess(since: started)
        {
            return .unavailable(
                "\(url.location) is busy: no connection was free within \(configuration.operationTimeout) (\(what()))")
        }
        let failure = PostgresFailure.sessionError(error, what: what(), location: url.location)
        if PostgresFailure.isConnectionFailure(error), case .unavailable(let reason) = failure, connection.lost(reason) {
            logger.error("session database lost", metadata: ["database": "\(url)", "error": "\(reason)"])
        }
        return failure
    }

    /// The session `query` (one statement outside a transaction) returns, if any; `what` names it in errors.
    private func session(_ what: String, _ query: PostgresQuery) async throws(SessionError) -> RpcSessionContext? {
        let location = url.location
        return try await call(what) { [client] in try await SessionRow.first(of: client.query(query), database: location) }
    }

    /// `modify` (with `fence`: `modify(_:fencedBy:_:)`): one transaction that locks the row, runs
    /// the body and writes what it left.
    func change<R: Sendable>(
        _ id: SessionID, fence: SessionFence?, _ body: (inout RpcSessionContext?) -> R
    ) async throws(SessionError) -> R {
        try await withoutActuallyEscaping(body) { (body) async throws(SessionError) -> R in
            let box = GuardedBody(body)
            defer { box.seal() }
            return try await call(
                fence == nil ? "update session \(id)" : "write back session \(id)", abandonable: box.abandonable
            ) { [self] in
                try await client.withTransaction(logger: logger) { connection in
                    try await self.change(id, box, fence: fence, on: connection)
                }
            }
        }
    }

    /// The transaction of `change` on `connection`: lock (or, for a new id, claim) the row, check
    /// the fence, run the body, write what it left (ending the lease with it when the fence says so).
    private func change<R: Sendable>(
        _ id: SessionID, _ box: GuardedBody<(inout RpcSessionContext?) -> R>, fence: SessionFence?,
        on connection: PostgresConnection
    ) async throws -> R {
        var locked = try await lockedRow(id, on: connection)
        if locked == nil {
            // No row to lock: serialise creators of this id on an advisory lock (its own key space,
            // two int4 keys, apart from the migration's), then look again — one may have committed.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(\(PostgresSchema.sessionLockClass), hashtext(\(id.tenant.rawValue) || '/' || \(id.rawValue)))",
                logger: logger
            )
            locked = try await lockedRow(id, on: connection)
        }
        if let fence, let locked, !locked.isHeld(by: fence.lease) { throw SessionError.leaseLost(id) }
        let existing = locked?.session
        var record = existing
        let result = try box.run { body in body(&record) }
        try await write(id, from: existing, to: record, releasingLease: locked != nil && fence?.releasing == true, on: connection)
        return result
    }

    /// Stores `record` where `existing` was (nothing when equal, DELETE for nil, INSERT for a new
    /// one), ending the row's lease in the same statement when `releasingLease`.
    private func write(
        _ id: SessionID, from existing: RpcSessionContext?, to record: RpcSessionContext?, releasingLease: Bool,
        on connection: PostgresConnection
    ) async throws {
        guard record != existing else {
            if releasingLease {
                try await connection.query(
                    "UPDATE tidepool_sessions SET lease_holder = NULL, lease_expires_at = 0 WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue)",
                    logger: logger)
            }
            return
        }
        guard let record else {
            try await connection.query("DELETE FROM tidepool_sessions WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue)", logger: logger)
            return
        }
        guard record.sessionId == id else {
            throw SessionError.invalidValue(field: "session_id", reason: "a change may not replace the session id")
        }
        let row = try SessionRow(record)
        if let existing {
            // A column of browser state is rewritten only when it changed: counting a request
            // leaves megabytes of localStorage where they are.
            let cookiesChanged = existing.cookies != record.cookies
            let storageChanged = existing.localStorage != record.localStorage
            try await connection.query(
                """
                UPDATE tidepool_sessions SET expires_at = \(record.expiresAt.timeIntervalSince1970),
                    created_at = \(record.createdAt.timeIntervalSince1970), request_count = \(record.requestCount),
                    render_count = \(record.renderCount), render_time_ms = \(record.totalRenderTimeMs),
                    error_count = \(record.errorCount), profile = \(record.profile), record = \(row.record),
                    cookies = CASE WHEN \(cookiesChanged) THEN \(cookiesChanged ? row.cookies : nil) ELSE cookies END,
                    local_storage = CASE WHEN \(storageChanged) THEN \(storageChanged ? row.localStorage : nil)
                        ELSE local_storage END,
                    lease_holder = CASE WHEN \(releasingLease) THEN NULL ELSE lease_holder END,
                    lease_expires_at = CASE WHEN \(releasingLease) THEN 0 ELSE lease_expires_at END
                WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue)
                """,
                logger: logger
            )
        } else {
            try await connection.query(
                """
                INSERT INTO tidepool_sessions (tenant, id, expires_at, created_at, request_count, render_count,
                    render_time_ms, error_count, profile, record, cookies, local_storage)
                VALUES (\(id.tenant.rawValue), \(id.rawValue), \(record.expiresAt.timeIntervalSince1970),
                    \(record.createdAt.timeIntervalSince1970), \(record.requestCount), \(record.renderCount),
                    \(record.totalRenderTimeMs), \(record.errorCount), \(record.profile), \(row.record),
                    \(row.cookies), \(row.localStorage))
                """,
                logger: logger
            )
        }
    }

    /// The row of `id` with its lease, locked until the transaction ends; nil when there is none.
    private func lockedRow(_ id: SessionID, on connection: PostgresConnection) async throws -> LockedSessionRow? {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: SessionRow.selected), lease_token, lease_holder FROM tidepool_sessions
            WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue) FOR UPDATE
            """,
            logger: logger
        )
        for try await row in rows { return try LockedSessionRow(row, database: url.location) }
        return nil
    }
}
