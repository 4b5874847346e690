import Foundation
import RenderTypes
import SessionContext
import SessionContextSQLite
import SQLiteNIO
import Testing
import TestSupport

/// A database written before tenants (schema 1) opens with this build: migrated to schema 2 in
/// place, every session it held the `default` tenant's, and its cleanup count kept.
@Suite struct SQLiteTenantMigrationTests {
    /// Schema 1 as Tidepool wrote it before tenants, frozen here (never the build's own statements).
    static let schemaOne = [
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY NOT NULL, expires_at REAL NOT NULL, created_at REAL NOT NULL,
            request_count INTEGER NOT NULL, render_count INTEGER NOT NULL, render_time_ms REAL NOT NULL,
            error_count INTEGER NOT NULL, profile TEXT, record TEXT NOT NULL
        ) WITHOUT ROWID
        """,
        "CREATE INDEX sessions_expires_at ON sessions (expires_at)",
        "CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT INTO counters (name, value) VALUES ('expired_cleaned', 4)",
        "PRAGMA user_version = 1",
    ]

    @Test func aSchemaOneDatabaseOpensAndItsSessionsAreTheDefaultTenants() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let now = Date().timeIntervalSince1970.rounded()
        var old = RpcSessionContext(sessionId: "old-shop", config: SessionConfig(ttlSeconds: 3600), now: Date(timeIntervalSince1970: now))
        old.metadata = ["user": "ada"]
        old.setCookies([Cookie(name: "sid", value: "v", domain: "shop.test")])
        old.requestCount = 3
        old.profile = "ada"
        let json = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
        #expect(!json.contains("tenant"))

        let connection = try await SQLiteConnection.open(storage: .file(path: directory.databasePath))
        for statement in Self.schemaOne { _ = try await connection.query(statement) }
        _ = try await connection.query(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, 0, 0, 0, ?, ?)",
            [.text("old-shop"), .float(now + 3600), .float(now), .integer(3), .text("ada"), .text(json)])
        try await connection.close()

        let backend = try await SQLiteSessionBackend.open(path: directory.databasePath)
        do {
            #expect(try await backend.storedSchemaVersion() == SQLiteSessionBackend.schemaVersion)
            let loaded = try #require(try await backend.load("old-shop"))
            #expect(loaded == old)
            #expect(loaded.sessionId.tenant == .default)
            #expect(try await backend.load(SessionID(validating: "old-shop", tenant: TenantID("acme")!)) == nil)
            #expect(try await backend.list(in: .default, after: nil, limit: 10, liveAt: nil).map(\.sessionId) == ["old-shop"])
            #expect(try await backend.summary(now: Date(), tenant: .default).expiredCleaned == 4)
            #expect(try await backend.summary(now: Date(), tenant: TenantID("acme")!).storedSessions == 0)
            // The id is free for another tenant now.
            let acmes = RpcSessionContext(sessionId: try SessionID(validating: "old-shop", tenant: TenantID("acme")!), now: Date())
            #expect(try await backend.insert(acmes))
            #expect(try await backend.count() == 2)
            try await backend.close()
        } catch {
            try? await backend.close()
            throw error
        }
    }
}
