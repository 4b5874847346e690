import Foundation
import Logging
import PostgresNIO
import RenderTypes
import SessionContext
import SessionContextPostgres
import Testing
import TestSupport

/// A database written before tenants (schema 2) opens with this build: migrated to schema 3, every
/// session it held the `default` tenant's, usable by every statement (leases and placement too).
@Suite struct PostgresTenantMigrationTests {
    /// Schemas 1 and 2 as Tidepool wrote them before tenants, frozen here.
    static let schemaTwo = [
        "CREATE TABLE tidepool_schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
        """
        CREATE TABLE tidepool_sessions (
            id text COLLATE "C" PRIMARY KEY, expires_at double precision NOT NULL, created_at double precision NOT NULL,
            request_count bigint NOT NULL, render_count bigint NOT NULL, render_time_ms double precision NOT NULL,
            error_count bigint NOT NULL, profile text, record json NOT NULL, cookies json, local_storage json
        )
        """,
        "CREATE INDEX tidepool_sessions_expires_at ON tidepool_sessions (expires_at)",
        "CREATE TABLE tidepool_counters (name text PRIMARY KEY, value bigint NOT NULL)",
        "CREATE SEQUENCE tidepool_lease_tokens",
        """
        ALTER TABLE tidepool_sessions ADD COLUMN owner_node text, ADD COLUMN lease_holder text,
            ADD COLUMN lease_token bigint NOT NULL DEFAULT 0, ADD COLUMN lease_expires_at double precision NOT NULL DEFAULT 0
        """,
        """
        CREATE TABLE tidepool_nodes (id text COLLATE "C" PRIMARY KEY, advertise_url text NOT NULL,
            last_heartbeat double precision NOT NULL, load double precision NOT NULL, browsers integer NOT NULL)
        """,
        "INSERT INTO tidepool_schema_version (version) VALUES (1), (2)",
        "INSERT INTO tidepool_counters (name, value) VALUES ('expired_cleaned', 4)",
    ]

    @Test func aSchemaTwoDatabaseOpensAndItsSessionsAreTheDefaultTenants() async throws {
        try await TestPostgres.withDatabase { url in
            let now = Date().timeIntervalSince1970.rounded()
            var old = RpcSessionContext(sessionId: "old-shop", config: SessionConfig(ttlSeconds: 3600), now: Date(timeIntervalSince1970: now))
            old.metadata = ["user": "ada"]
            old.requestCount = 3
            let cookies = [Cookie(name: "sid", value: "v", domain: "shop.test")]
            let record = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
            #expect(!record.contains("tenant"))
            old.setCookies(cookies)

            let logger = testLogger()
            let connection = try await PostgresConnection.connect(
                configuration: try PostgresDatabaseURL(url).connectionConfiguration(), id: 1, logger: logger)
            do {
                for statement in Self.schemaTwo { _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                let cookieJSON = String(decoding: try JSONEncoder().encode(cookies), as: UTF8.self)
                _ = try await connection.query(
                    """
                    INSERT INTO tidepool_sessions (id, expires_at, created_at, request_count, render_count, render_time_ms,
                        error_count, profile, record, cookies)
                    VALUES ('old-shop', \(now + 3600), \(now), 3, 0, 0, 0, NULL, \(record)::json, \(cookieJSON)::json)
                    """, logger: logger)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }

            let backend = try await TestPostgres.backend(url: url)
            do {
                let loaded = try #require(try await backend.load("old-shop"))
                #expect(loaded == old)
                #expect(loaded.sessionId.tenant == .default)
                let acme = TenantID("acme")!
                #expect(try await backend.load(SessionID(validating: "old-shop", tenant: acme)) == nil)
                #expect(try await backend.summary(now: Date(), tenant: .default).expiredCleaned == 4)
                #expect(try await backend.placement(of: "old-shop") == SessionPlacement(profile: nil, keepWarm: false, owner: nil))
                let lease = try await backend.acquireLease("old-shop", holder: "node-a", duration: .seconds(5), claimingOwnership: false)
                guard case .granted(_, let leased) = lease else { throw UnexpectedLease(attempt: lease) }
                #expect(leased == old)
                #expect(try await backend.insert(RpcSessionContext(sessionId: try SessionID(validating: "old-shop", tenant: acme), now: Date())))
                #expect(try await backend.count() == 2)
                try await backend.close()
            } catch {
                try? await backend.close()
                throw error
            }
        }
    }

    struct UnexpectedLease: Error {
        var attempt: LeaseAttempt
    }
}
