import AsyncSupport
public import Foundation
public import Logging
public import RenderTypes
public import SessionContext
import SQLiteNIO
import Synchronization

/// Sessions in an embedded SQLite database (the server's default backend), via sqlite-nio.
///
/// - WAL journal; every write is one `BEGIN IMMEDIATE … COMMIT` transaction, so a process killed
///   with SIGKILL leaves each session either as it was or as it became, never half-written.
/// - One connection, and a `SerialLock` held for each whole transaction, so two
///   transactions never interleave on it.
/// - One row per session, keyed by tenant and id: the record as JSON plus the columns that listing (`id`), expiry
///   (`expires_at`, indexed) and metrics need.
/// - Schema versioned with `PRAGMA user_version` (see `SQLiteSchema`).
///
/// Call `close()` before releasing it.
public final class SQLiteSessionBackend: SessionBackend {
    /// Tuning of the database connection.
    public struct Configuration: Sendable {
        /// SQLite's `synchronous` setting: what survives a power loss (a killed process loses
        /// nothing committed either way).
        public enum Durability: String, Sendable {
            /// fsync at checkpoints only: the last commits may be lost on power loss. WAL's usual choice.
            case normal = "NORMAL"
            /// fsync at every commit: nothing committed is lost, at the cost of a disk flush per write.
            case full = "FULL"
        }

        public var durability: Durability
        /// How long a statement waits for another process's lock before failing.
        public var busyTimeoutMilliseconds: Int

        public init(durability: Durability = .normal, busyTimeoutMilliseconds: Int = 5000) {
            self.durability = durability
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
        }
    }

    /// The database file.
    public let path: String
    private let connection: SQLiteConnection
    private let lock = SerialLock()
    private let isClosed = Atomic<Bool>(false)
    private let logger: Logger

    /// The schema version this build writes.
    public static var schemaVersion: Int { SQLiteSchema.latestVersion }

    private init(path: String, connection: SQLiteConnection, logger: Logger) {
        self.path = path
        self.connection = connection
        self.logger = logger
    }

    /// Opens (creating it and its directory if needed) the database at `path`, turns on WAL and
    /// migrates the schema. Throws `.backend` when the file cannot be opened, is not a Tidepool
    /// session database, or was written by a newer schema version.
    public static func open(
        path: String, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "tidepool.sessions.sqlite")
    ) async throws(SessionError) -> SQLiteSessionBackend {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .backend("cannot create directory \(directory.path) for the session database: \(error)")
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            throw .backend("cannot open the session database \(path): \(error)")
        }
        let backend = SQLiteSessionBackend(path: path, connection: connection, logger: logger)
        do throws(SessionError) {
            try await backend.prepare(configuration)
        } catch {
            try? await connection.close()
            backend.isClosed.store(true, ordering: .relaxed)
            throw error
        }
        logger.debug("session database open", metadata: ["path": "\(path)", "schema": "\(schemaVersion)"])
        return backend
    }

    // MARK: SessionBackend

    public func load(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        try await serially { () async throws(SessionError) in
            try await self.record(id)
        }
    }

    public func modify<R: Sendable>(
        _ id: SessionID, _ body: (inout RpcSessionContext?) -> R
    ) async throws(SessionError) -> R {
        try await transaction { () async throws(SessionError) -> R in
            let existing = try await self.record(id)
            var record = existing
            let result = body(&record)
            if record != existing {
                if let record {
                    guard record.sessionId == id else {
                        throw .invalidValue(field: "session_id", reason: "a change may not replace the session id")
                    }
                    try await self.write(record)
                } else {
                    try await self.run(
                        "DELETE FROM sessions WHERE tenant = ? AND id = ?", Self.key(id), "delete \(id)")
                }
            }
            return result
        }
    }

    public func list(in tenant: TenantID, after cursor: SessionID?, limit: Int, liveAt: Date?) async throws(SessionError)
        -> [RpcSessionContext]
    {
        guard limit > 0 else { return [] }
        let rows = try await serially { () async throws(SessionError) in
            if let liveAt {
                try await self.run(
                    "SELECT record FROM sessions WHERE tenant = ? AND id > ? AND expires_at > ? ORDER BY id LIMIT ?",
                    [
                        .text(tenant.rawValue), .text(cursor?.rawValue ?? ""), .float(liveAt.timeIntervalSince1970),
                        .integer(limit),
                    ], "list"
                )
            } else {
                try await self.run(
                    "SELECT record FROM sessions WHERE tenant = ? AND id > ? ORDER BY id LIMIT ?",
                    [.text(tenant.rawValue), .text(cursor?.rawValue ?? ""), .integer(limit)], "list"
                )
            }
        }
        var records: [RpcSessionContext] = []
        records.reserveCapacity(rows.count)
        for row in rows { records.append(try decode(row)) }
        return records
    }

    public func deleteExpired(now: Date, limit: Int, tenant: TenantID?) async throws(SessionError) -> [RemovedSession] {
        guard limit > 0 else { return [] }
        return try await transaction { () async throws(SessionError) in
            let rows = try await self.run(
                """
                DELETE FROM sessions WHERE (tenant, id) IN
                    (SELECT tenant, id FROM sessions WHERE expires_at <= ?1 AND (?2 IS NULL OR tenant = ?2)
                     ORDER BY expires_at LIMIT ?3)
                RETURNING tenant, id, profile
                """,
                [.float(now.timeIntervalSince1970), tenant.map { .text($0.rawValue) } ?? .null, .integer(limit)],
                "delete expired sessions"
            )
            var removed: [RemovedSession] = []
            for row in rows {
                removed.append(RemovedSession(id: try self.sessionID(row), profile: row.column("profile")?.string))
            }
            for (tenant, sessions) in Dictionary(grouping: removed, by: \.id.tenant) {
                try await self.run(
                    """
                    INSERT INTO counters (name, value) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET value = value + excluded.value
                    """,
                    [.text(SessionSummary.expiredCleanedCounterName(for: tenant)), .integer(sessions.count)],
                    "count expired sessions"
                )
            }
            return removed
        }
    }

    public func summary(now: Date, tenant: TenantID?) async throws(SessionError) -> SessionSummary {
        try await transaction(mode: "DEFERRED") { () async throws(SessionError) in
            let rows = try await self.run(
                """
                SELECT count(*) AS stored,
                    coalesce(sum(expires_at > ?1), 0) AS active,
                    coalesce(sum(request_count), 0) AS requests,
                    coalesce(sum(render_count), 0) AS renders,
                    coalesce(sum(render_time_ms), 0.0) AS render_ms,
                    coalesce(sum(error_count), 0) AS errors,
                    coalesce(sum(CASE WHEN expires_at > ?1 THEN max(0.0, ?1 - created_at) ELSE 0.0 END), 0.0) AS age
                FROM sessions WHERE ?2 IS NULL OR tenant = ?2
                """,
                [.float(now.timeIntervalSince1970), tenant.map { .text($0.rawValue) } ?? .null], "summarize sessions"
            )
            let cleaned = try await self.run(
                """
                SELECT coalesce(sum(value), 0) AS value FROM counters
                WHERE CASE WHEN ?1 IS NULL THEN name = 'expired_cleaned' OR name LIKE ?2 ELSE name = ?1 END
                """,
                [
                    tenant.map { .text(SessionSummary.expiredCleanedCounterName(for: $0)) } ?? .null,
                    .text(SessionSummary.expiredCleanedCounterPattern),
                ], "read counters"
            )
            var summary = SessionSummary()
            if let row = rows.first {
                summary.storedSessions = row.column("stored")?.integer ?? 0
                summary.activeSessions = row.column("active")?.integer ?? 0
                summary.totalRequests = row.column("requests")?.integer ?? 0
                summary.renderedRequests = row.column("renders")?.integer ?? 0
                summary.totalRenderTimeMs = row.column("render_ms")?.double ?? 0
                summary.errors = row.column("errors")?.integer ?? 0
                summary.totalActiveAgeSeconds = row.column("age")?.double ?? 0
            }
            summary.expiredCleaned = cleaned.first?.column("value")?.integer ?? 0
            return summary
        }
    }

    public func delete(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        let rows = try await serially { () async throws(SessionError) in
            try await self.run("DELETE FROM sessions WHERE tenant = ? AND id = ? RETURNING record", Self.key(id), "delete \(id)")
        }
        return try rows.first.map { row throws(SessionError) in try decode(row) }
    }

    public func count() async throws(SessionError) -> Int {
        let rows = try await serially { () async throws(SessionError) in
            try await self.run("SELECT count(*) AS n FROM sessions", [], "count sessions")
        }
        return rows.first?.column("n")?.integer ?? 0
    }

    /// Waits for the running transaction, then closes the connection (checkpointing the WAL).
    /// Later calls fail with `.backend`; closing twice does nothing.
    public func close() async throws(SessionError) {
        try await lock.withLockInTurn { () async throws(SessionError) in
            guard !self.isClosed.exchange(true, ordering: .relaxed) else { return }
            do {
                try await self.connection.close()
            } catch {
                throw .backend("closing the session database \(self.path) failed: \(error)")
            }
            self.logger.debug("session database closed", metadata: ["path": "\(self.path)"])
        }
    }

    // MARK: Inspection

    /// The database's journal mode as SQLite reports it (`wal` once open).
    public func journalMode() async throws(SessionError) -> String {
        let rows = try await serially { () async throws(SessionError) in
            try await self.run("PRAGMA journal_mode", [], "read journal mode")
        }
        return rows.first?.column("journal_mode")?.string ?? ""
    }

    /// The schema version recorded in the database file (`PRAGMA user_version`).
    public func storedSchemaVersion() async throws(SessionError) -> Int {
        try await serially { () async throws(SessionError) in try await self.userVersion() }
    }

    // MARK: Internals

    private func prepare(_ configuration: Configuration) async throws(SessionError) {
        let mode = try await run("PRAGMA journal_mode = WAL", [], "enable WAL")
        guard mode.first?.column("journal_mode")?.string?.lowercased() == "wal" else {
            throw .backend("\(path) refused WAL journaling (is it on a file system without shared memory?)")
        }
        try await run("PRAGMA synchronous = \(configuration.durability.rawValue)", [], "set synchronous")
        // Replaces sqlite-nio's retry-forever busy handler with a bounded wait.
        try await run("PRAGMA busy_timeout = \(max(0, configuration.busyTimeoutMilliseconds))", [], "set busy timeout")
        try await migrate()
    }

    private func migrate() async throws(SessionError) {
        try await transaction { () async throws(SessionError) in
            let current = try await self.userVersion()
            guard current <= SQLiteSchema.latestVersion else {
                throw .backend(
                    "\(self.path) has session schema version \(current), newer than this build's "
                        + "\(SQLiteSchema.latestVersion): upgrade Tidepool or use another data directory"
                )
            }
            for version in SQLiteSchema.migrations.keys.sorted() where version > current {
                for statement in SQLiteSchema.migrations[version] ?? [] {
                    try await self.run(statement, [], "migrate to schema version \(version)")
                }
                try await self.run("PRAGMA user_version = \(version)", [], "record schema version \(version)")
                self.logger.info("session database migrated", metadata: ["path": "\(self.path)", "version": "\(version)"])
            }
        }
    }

    private func userVersion() async throws(SessionError) -> Int {
        try await run("PRAGMA user_version", [], "read schema version").first?.column("user_version")?.integer ?? 0
    }

    /// Runs `body` holding the lock, outside an explicit transaction (single statements).
    private func serially<R>(_ body: () async throws(SessionError) -> R) async throws(SessionError) -> R {
        try await lock.withLockInTurn { () async throws(SessionError) -> R in
            try self.requireOpen()
            return try await body()
        }
    }

    /// Runs `body` holding the lock inside `BEGIN <mode> … COMMIT`; rolls back when anything throws.
    /// COMMIT and ROLLBACK run even when the calling task is cancelled: SQLiteNIO refuses a statement
    /// of a cancelled task before it runs, which would leave the one connection inside the transaction
    /// (holding the write lock, and every later BEGIN failing).
    private func transaction<R>(
        mode: String = "IMMEDIATE", _ body: () async throws(SessionError) -> R
    ) async throws(SessionError) -> R {
        try await serially { () async throws(SessionError) -> R in
            try await self.run("BEGIN \(mode)", [], "begin a transaction")
            do throws(SessionError) {
                let result = try await body()
                try await self.uncancelled("COMMIT", "commit").get()
                return result
            } catch {
                // After a failed COMMIT SQLite may have rolled back already; then this one fails harmlessly.
                _ = await self.uncancelled("ROLLBACK", "roll back")
                throw error
            }
        }
    }

    /// Runs a statement to its end whether or not the calling task is cancelled.
    private func uncancelled(_ sql: String, _ what: String) async -> Result<Void, SessionError> {
        await withoutCancellation {
            do throws(SessionError) {
                _ = try await self.run(sql, [], what)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
    }

    private func requireOpen() throws(SessionError) {
        if isClosed.load(ordering: .relaxed) {
            throw .backend("the session database \(path) is closed")
        }
    }

    private func record(_ id: SessionID) async throws(SessionError) -> RpcSessionContext? {
        let rows = try await run("SELECT record FROM sessions WHERE tenant = ? AND id = ?", Self.key(id), "read \(id)")
        return try rows.first.map { row throws(SessionError) in try decode(row) }
    }

    private func write(_ record: RpcSessionContext) async throws(SessionError) {
        let json: String
        do {
            json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        } catch {
            throw .backend("cannot encode session \(record.sessionId): \(error)")
        }
        try await run(
            """
            INSERT OR REPLACE INTO sessions
                (tenant, id, expires_at, created_at, request_count, render_count, render_time_ms, error_count, profile, record)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(record.sessionId.tenant.rawValue), .text(record.sessionId.rawValue), .float(record.expiresAt.timeIntervalSince1970),
                .float(record.createdAt.timeIntervalSince1970), .integer(record.requestCount),
                .integer(record.renderCount), .float(record.totalRenderTimeMs), .integer(record.errorCount),
                record.profile.map { .text($0) } ?? .null, .text(json),
            ],
            "write \(record.sessionId)"
        )
    }

    private func decode(_ row: SQLiteRow) throws(SessionError) -> RpcSessionContext {
        guard let json = row.column("record")?.string else {
            throw .backend("a session row in \(path) has no record")
        }
        do {
            return try JSONDecoder().decode(RpcSessionContext.self, from: Data(json.utf8))
        } catch {
            throw .backend("a session record in \(path) is corrupt: \(error)")
        }
    }

    private func sessionID(_ row: SQLiteRow) throws(SessionError) -> SessionID {
        guard let text = row.column("id")?.string, let tenant = row.column("tenant")?.string.flatMap(TenantID.init),
            let id = try? SessionID(validating: text, tenant: tenant)
        else {
            throw .backend("a session row in \(path) has an invalid id or tenant")
        }
        return id
    }

    /// The binds of a session's key, `tenant = ? AND id = ?`.
    private static func key(_ id: SessionID) -> [SQLiteData] {
        [.text(id.tenant.rawValue), .text(id.rawValue)]
    }

    @discardableResult
    private func run(_ sql: String, _ binds: [SQLiteData], _ what: @autoclosure () -> String)
        async throws(SessionError) -> [SQLiteRow]
    {
        do {
            return try await connection.query(sql, binds)
        } catch {
            throw .backend("SQLite could not \(what()) in \(path): \(error)")
        }
    }
}

extension SQLiteSessionBackend: UsageStore {
    public func loadUsage(forgettingMinutesBefore minutesSince: Int) async throws(SessionError) -> [UsageKey: UsageFigures] {
        try await transaction { () async throws(SessionError) in
            try await self.run(
                "DELETE FROM usage WHERE scope = 'minute' AND CAST(key AS INTEGER) < ?", [.integer(minutesSince)],
                "forget old usage minutes")
            try await self.run(
                """
                DELETE FROM usage WHERE scope = 'session'
                    AND NOT EXISTS (SELECT 1 FROM sessions WHERE sessions.tenant = usage.tenant AND sessions.id = usage.key)
                """, [], "forget the usage of gone sessions")
            let rows = try await self.run(
                "SELECT tenant, scope, key, renders, browser_ms, bytes_in, bytes_out FROM usage", [], "read usage")
            var totals: [UsageKey: UsageFigures] = [:]
            for row in rows {
                guard let tenant = row.column("tenant")?.string.flatMap(TenantID.init),
                    let scope = row.column("scope")?.string.flatMap(UsageKey.Scope.init(rawValue:)),
                    let key = row.column("key")?.string
                else { throw .backend("a usage row in \(self.path) has an invalid tenant or scope") }
                totals[UsageKey(tenant: tenant, scope: scope, key: key)] = UsageFigures(
                    browserMs: row.column("browser_ms")?.integer ?? 0, bytesIn: row.column("bytes_in")?.integer ?? 0,
                    bytesOut: row.column("bytes_out")?.integer ?? 0, renders: row.column("renders")?.integer ?? 0)
            }
            return totals
        }
    }

    public func addUsage(_ deltas: [UsageKey: UsageFigures]) async throws(SessionError) {
        guard !deltas.isEmpty else { return }
        try await transaction { () async throws(SessionError) in
            for (key, delta) in deltas {
                try await self.run(
                    """
                    INSERT INTO usage (tenant, scope, key, renders, browser_ms, bytes_in, bytes_out) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant, scope, key) DO UPDATE SET renders = renders + excluded.renders,
                        browser_ms = browser_ms + excluded.browser_ms, bytes_in = bytes_in + excluded.bytes_in,
                        bytes_out = bytes_out + excluded.bytes_out
                    """,
                    [
                        .text(key.tenant.rawValue), .text(key.scope.rawValue), .text(key.key), .integer(delta.renders),
                        .integer(delta.browserMs), .integer(delta.bytesIn), .integer(delta.bytesOut),
                    ], "add usage")
            }
        }
    }
}
