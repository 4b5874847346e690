import AsyncSupport
import Logging
import PostgresNIO
import SessionContext
import Synchronization

extension PostgresSessionBackend {
    /// The backend's background work until `close()`: postgres-nio's pool (which needs a task to run
    /// in) and the loop that (re)connects whenever the monitor asks.
    func maintain() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.reconnectWhenAsked() }
            // Either ends only when cancelled (close); end the other with it.
            await group.next()
            group.cancelAll()
        }
    }

    private func reconnectWhenAsked() async {
        for await _ in connection.reconnect {
            await connectUntilReady()
        }
    }

    /// Tries to reach and migrate the database until it works, pausing `initialRetryDelay`, then
    /// twice as long after each failure up to `maximumRetryDelay`; one log line per failed attempt.
    private func connectUntilReady() async {
        var delay = configuration.initialRetryDelay
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                let version = try await withOperationDeadline(
                    configuration.connectTimeout + configuration.operationTimeout
                ) { try await self.checkAndMigrate() }
                connection.ready()
                logger.info(
                    "session database ready",
                    metadata: ["database": "\(url)", "schema": "\(version)", "attempt": "\(attempt)"]
                )
                return
            } catch {
                if case SchemaRefusal.newer(let message)? = PostgresFailure.unwrapped(error) as? SchemaRefusal {
                    connection.refuse(message)
                    logger.error("session database refused", metadata: ["database": "\(url)", "error": "\(message)"])
                    return
                }
                let reason = PostgresFailure.describe(error)
                connection.failed(attempt: attempt, reason)
                logger.warning(
                    "session database unreachable, retrying",
                    metadata: [
                        "database": "\(url)", "attempt": "\(attempt)", "retry_in_ms": "\(delay.wholeMilliseconds)",
                        "error": "\(reason)",
                    ]
                )
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, configuration.maximumRetryDelay)
        }
    }

    /// Connects outside the pool (so a refused connection says so at once, where the pool would
    /// queue the request and retry), migrates, then checks that the pool itself serves again; the
    /// schema version.
    private func checkAndMigrate() async throws -> Int {
        let direct = try await PostgresConnection.connect(
            configuration: try url.connectionConfiguration(), id: Self.nextConnectionID(), logger: logger
        )
        let version: Int
        do {
            version = try await migrate(on: direct)
            try await direct.close()
        } catch {
            try? await direct.close()
            throw error
        }
        try await client.query("SELECT 1", logger: logger)
        return version
    }

    /// Applies every migration the database lacks, in one transaction under the migration lock, so
    /// two nodes starting at once apply each exactly once; the version the database is at.
    private func migrate(on connection: PostgresConnection) async throws -> Int {
        let logger = self.logger
        let url = self.url
        return try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLockKey))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: PostgresSchema.versionTable), logger: logger)
            var current = 0
            let rows = try await connection.query(
                "SELECT coalesce(max(version), 0)::bigint FROM tidepool_schema_version", logger: logger)
            for try await version in rows.decode(Int.self) { current = version }
            guard current <= PostgresSchema.latestVersion else {
                throw SchemaRefusal.newer(
                    "\(url.location) has session schema version \(current), newer than this build's "
                        + "\(PostgresSchema.latestVersion): upgrade Tidepool or use another database"
                )
            }
            for version in PostgresSchema.migrations.keys.sorted() where version > current {
                for statement in PostgresSchema.migrations[version] ?? [] {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO tidepool_schema_version (version) VALUES (\(version))", logger: logger)
                logger.info("session database migrated", metadata: ["database": "\(url)", "version": "\(version)"])
            }
            return max(current, PostgresSchema.latestVersion)
        }
    }

    private static let connectionIDs = Atomic<Int>(0)

    /// A fresh id for a connection outside the pool (postgres-nio logs it).
    private static func nextConnectionID() -> Int {
        connectionIDs.add(1, ordering: .relaxed).newValue
    }
}

/// Why a database cannot be used by this build at all.
enum SchemaRefusal: Error {
    /// Its schema was written by a newer Tidepool; the message says so.
    case newer(String)
}
