import AsyncSupport
import Foundation
import PostgresNIO
public import SessionContext

/// The cluster's coordination in the session table: leases in each session's row (holder, fencing
/// token from `tidepool_lease_tokens`, expiry on the database's clock), the owner beside them, and
/// the creation gate as a transaction-scoped advisory lock.
extension PostgresSessionBackend: ClusterSessionBackend {
    public func acquireLease(_ id: SessionID, holder: String, duration: Duration, claimingOwnership: Bool)
        async throws(SessionError) -> LeaseAttempt
    {
        let location = url.location
        let seconds = duration.inSeconds
        return try await call("take the lease of session \(id)") { [client, logger] in
            // One statement: grant when free or run out (and read the session as the grant leaves
            // it), else say who holds it; no row at all means no session.
            let rows = try await client.query(
                """
                WITH granted AS (
                    UPDATE tidepool_sessions SET lease_holder = \(holder),
                        lease_token = nextval('tidepool_lease_tokens'),
                        lease_expires_at = \(unescaped: PostgresSchema.now) + \(seconds),
                        owner_node = CASE WHEN \(claimingOwnership) THEN \(holder) ELSE owner_node END
                    WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue) AND (lease_holder IS NULL OR lease_expires_at <= \(unescaped: PostgresSchema.now))
                    RETURNING lease_token, \(unescaped: SessionRow.selected)
                )
                SELECT lease_token, NULL::text, \(unescaped: SessionRow.selected) FROM granted
                UNION ALL
                SELECT lease_token, lease_holder, NULL::json, NULL::json, NULL::json FROM tidepool_sessions
                WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue) AND NOT EXISTS (SELECT 1 FROM granted)
                """,
                logger: logger
            )
            for try await (token, heldBy, record, cookies, localStorage) in rows.decode(
                (Int64, String?, Data?, Data?, Data?).self)
            {
                guard let record else { return LeaseAttempt.held(by: heldBy ?? "another node") }
                let session = try SessionRow.session(
                    record: record, cookies: cookies, localStorage: localStorage, database: location)
                return .granted(SessionLease(sessionID: id, holder: holder, token: token), session)
            }
            throw SessionError.notFound(id)
        }
    }

    public func renewLease(_ lease: SessionLease, duration: Duration) async throws(SessionError) -> Bool {
        let seconds = duration.inSeconds
        return try await call("renew the lease of session \(lease.sessionID)") { [client, logger] in
            let rows = try await client.query(
                """
                UPDATE tidepool_sessions SET lease_expires_at = \(unescaped: PostgresSchema.now) + \(seconds)
                WHERE tenant = \(lease.sessionID.tenant.rawValue) AND id = \(lease.sessionID.rawValue) AND lease_token = \(lease.token) AND lease_holder IS NOT NULL
                RETURNING lease_token
                """,
                logger: logger
            )
            for try await _ in rows { return true }
            return false
        }
    }

    public func releaseLease(_ lease: SessionLease) async throws(SessionError) {
        try await call("release the lease of session \(lease.sessionID)") { [client, logger] in
            _ = try await client.query(
                """
                UPDATE tidepool_sessions SET lease_holder = NULL, lease_expires_at = 0
                WHERE tenant = \(lease.sessionID.tenant.rawValue) AND id = \(lease.sessionID.rawValue) AND lease_token = \(lease.token) AND lease_holder IS NOT NULL
                """,
                logger: logger
            )
        }
    }

    public func modify<R: Sendable>(
        _ id: SessionID, fencedBy fence: SessionFence, _ body: (inout RpcSessionContext?) -> R
    ) async throws(SessionError) -> R {
        try await change(id, fence: fence, body)
    }

    public func leaseHolder(of id: SessionID) async throws(SessionError) -> String? {
        try await call("read who holds session \(id)") { [client, logger] in
            let rows = try await client.query(
                """
                SELECT lease_holder FROM tidepool_sessions
                WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue) AND lease_holder IS NOT NULL
                    AND lease_expires_at > \(unescaped: PostgresSchema.now)
                """,
                logger: logger
            )
            for try await holder in rows.decode(String.self) { return holder }
            return nil
        }
    }

    public func placement(of id: SessionID) async throws(SessionError) -> SessionPlacement? {
        try await call("read where session \(id) lives") { [client, logger] in
            // keep_warm is read out of the record's JSON, so the session's browser state is not read.
            let rows = try await client.query(
                """
                SELECT profile, coalesce((record->>'keep_warm')::boolean, false), owner_node
                FROM tidepool_sessions WHERE tenant = \(id.tenant.rawValue) AND id = \(id.rawValue)
                """,
                logger: logger
            )
            for try await (profile, keepWarm, owner) in rows.decode((String?, Bool, String?).self) {
                return SessionPlacement(profile: profile, keepWarm: keepWarm, owner: owner)
            }
            return nil
        }
    }

    public func withCreationGate<T: Sendable>(_ body: (_ storedSessions: Int) async throws -> T) async throws -> T {
        try connection.readiness.get()
        // One gate transaction of this node's at a time: the body needs a second connection of the
        // pool for its own change, which callers waiting on the advisory lock must not all hold.
        do {
            return try await creationTurns.withLock(deadline: .now + configuration.operationTimeout * 2) {
                try await gateTransaction(body)
            }
        } catch is LockRefusal {
            throw SessionError.unavailable(
                "\(url.location) is busy: the session creation gate was not had within \(configuration.operationTimeout * 2)")
        }
    }

    /// `withCreationGate`'s transaction: the advisory lock, the count, the body.
    private func gateTransaction<T: Sendable>(_ body: (_ storedSessions: Int) async throws -> T) async throws -> T {
        let started = connection.instant()
        return try await withoutActuallyEscaping(body) { body in
            let box = GuardedBody(body)
            defer { box.seal() }
            do {
                // The lock's wait is bounded by `lock_timeout`, the count by `statement_timeout`, the
                // body's own calls by theirs: twice the call bound covers the whole.
                return try await withOperationDeadline(configuration.operationTimeout * 2, abandonable: box.abandonable) {
                    [self] in
                    try await client.withTransaction(logger: logger) { connection in
                        // Two statements: the count's snapshot is taken after the lock is had, so it
                        // sees every creation committed by the gate's previous holder.
                        try await connection.query(
                            "SELECT pg_advisory_xact_lock(\(PostgresSchema.creationLockKey))", logger: logger)
                        var stored = 0
                        for try await count in try await connection.query(
                            "SELECT count(*) FROM tidepool_sessions", logger: logger
                        ).decode(Int.self) {
                            stored = count
                        }
                        return try await box.run { body in try await body(stored) }
                    }
                }
            } catch {
                let inner = PostgresFailure.unwrapped(error)
                // The body's own refusal (a full store, a session error) goes to the caller as it is.
                guard inner is PSQLError || inner is OperationTimeout else { throw inner }
                throw failure(error, what: "take the session creation gate", since: started)
            }
        }
    }

    public func heartbeat(_ beat: NodeHeartbeat) async throws(SessionError) -> [NodeStatus] {
        try await call("record the heartbeat of node \(beat.nodeID)") { [client, logger] in
            // The heartbeat, the table read (this node from what it just wrote) and forgetting
            // nodes silent for a day: one statement.
            let rows = try await client.query(
                """
                WITH beat AS (
                    INSERT INTO tidepool_nodes (id, advertise_url, last_heartbeat, load, browsers)
                    VALUES (\(beat.nodeID), \(beat.advertiseURL), \(unescaped: PostgresSchema.now), \(beat.load), \(beat.browsers))
                    ON CONFLICT (id) DO UPDATE SET advertise_url = excluded.advertise_url,
                        last_heartbeat = excluded.last_heartbeat, load = excluded.load, browsers = excluded.browsers
                    RETURNING id, advertise_url, last_heartbeat, load, browsers
                ), forgotten AS (
                    DELETE FROM tidepool_nodes
                    WHERE last_heartbeat < \(unescaped: PostgresSchema.now) - \(PostgresSchema.forgetNodesAfterSeconds)
                        AND id <> \(beat.nodeID)
                )
                SELECT id, advertise_url, last_heartbeat, \(unescaped: PostgresSchema.now) - last_heartbeat, load, browsers
                FROM tidepool_nodes WHERE id <> \(beat.nodeID)
                UNION ALL
                SELECT id, advertise_url, last_heartbeat, 0, load, browsers FROM beat
                """,
                logger: logger
            )
            return try await Self.statuses(rows)
        }
    }

    public func nodes() async throws(SessionError) -> [NodeStatus] {
        try await call("read the nodes") { [client, logger] in
            let rows = try await client.query(
                """
                SELECT id, advertise_url, last_heartbeat, \(unescaped: PostgresSchema.now) - last_heartbeat, load, browsers
                FROM tidepool_nodes
                """,
                logger: logger
            )
            return try await Self.statuses(rows)
        }
    }

    public func leave(nodeID: String) async throws(SessionError) {
        try await call("remove node \(nodeID)") { [client, logger] in
            _ = try await client.query("DELETE FROM tidepool_nodes WHERE id = \(nodeID)", logger: logger)
        }
    }

    /// The nodes of rows `(id, advertise_url, last_heartbeat, seconds since, load, browsers)`, by id.
    private static func statuses(_ rows: PostgresRowSequence) async throws -> [NodeStatus] {
        var nodes: [NodeStatus] = []
        for try await (id, url, last, age, load, browsers) in rows.decode((String, String, Double, Double, Double, Int).self) {
            nodes.append(
                NodeStatus(
                    nodeID: id, advertiseURL: url, lastHeartbeat: Date(timeIntervalSince1970: last),
                    secondsSinceHeartbeat: max(0, age), load: load, browsers: browsers))
        }
        return nodes.sorted { $0.nodeID < $1.nodeID }
    }
}
