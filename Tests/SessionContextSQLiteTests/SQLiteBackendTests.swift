import Foundation
import RenderTypes
import SessionContext
import SessionContextSQLite
import SQLiteNIO
import Testing
import TestSupport

/// What only the persistent backend promises: durability, WAL, a versioned schema, crash safety.
@Suite struct SQLiteBackendTests {
    /// Runs raw SQL on the database file, for inspecting or damaging it behind the backend's back.
    func rawSQL(_ path: String, _ sql: String) async throws -> [SQLiteRow] {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let rows = try await connection.query(sql)
            try await connection.close()
            return rows
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs `body` with a backend on a fresh database, closes it, and returns the database's path.
    @discardableResult
    func withDatabase(
        in directory: TemporaryDirectory, _ body: (SQLiteSessionBackend) async throws -> Void
    ) async throws -> String {
        let backend = try await SQLiteSessionBackend.open(path: directory.databasePath)
        do {
            try await body(backend)
        } catch {
            try? await backend.close()
            throw error
        }
        try await backend.close()
        return directory.databasePath
    }

    @Test func aWriteCancelledWhileWaitingForTheDatabaseLockLeavesNoTransactionOpen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withDatabase(in: directory) { backend in
            try await backend.put(RpcSessionContext(sessionId: "a", now: Date()))
            // Another connection holds the write lock: the backend's BEGIN IMMEDIATE waits for it (busy timeout).
            let other = try await SQLiteConnection.open(storage: .file(path: directory.databasePath))
            _ = try await other.query("BEGIN IMMEDIATE")
            let writer = Task { try await backend.put(RpcSessionContext(sessionId: "b", now: Date())) }
            try await Task.sleep(for: .milliseconds(300))
            // Cancelled while its BEGIN waits: once that returns, the transaction's next statement is refused.
            writer.cancel()
            try await Task.sleep(for: .milliseconds(100))
            _ = try await other.query("ROLLBACK")
            try await other.close()
            _ = try? await writer.value
            // The transaction was rolled back, not left open: the next write works.
            try await backend.put(RpcSessionContext(sessionId: "c", now: Date()))
            #expect(try await backend.load("c") != nil)
        }
    }

    @Test func sessionsSurviveCloseAndReopen() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualWallClock()
        let first = RpcSessionStore(backend: try await SQLiteSessionBackend.open(path: directory.databasePath), clock: clock)
        let created = try await first.create(id: "keep", metadata: ["user": "alice"], profile: "p")
        try await first.update("keep") { $0.setCookies([Cookie(name: "sid", value: "42", domain: "a.test")]) }
        try await first.recordRequest("keep", url: "https://a.test/", renderTimeMs: 25)
        let before = try await first.peek("keep")
        try await first.close()

        let second = RpcSessionStore(backend: try await SQLiteSessionBackend.open(path: directory.databasePath), clock: clock)
        let after = try await second.peek("keep")
        try await second.close()
        #expect(after == before)
        #expect(after.createdAt == created.createdAt)
        #expect(after.cookies.map(\.value) == ["42"])
    }

    @Test func metricsTotalsAndCleanupCountSurviveARestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = ManualWallClock()
        let config = RpcSessionStore<SQLiteSessionBackend>.Configuration(defaultConfig: SessionConfig(ttlSeconds: 60))
        let first = RpcSessionStore(
            backend: try await SQLiteSessionBackend.open(path: directory.databasePath), clock: clock, configuration: config
        )
        _ = try await first.getOrCreate(id: "short", config: SessionConfig(ttlSeconds: 5))
        _ = try await first.getOrCreate(id: "a")
        try await first.recordRequest("a", url: nil, renderTimeMs: 10)
        try await first.recordRequest("a", url: nil, renderTimeMs: 30)
        try await first.recordError("a", message: "x")
        clock.advance(by: 10)
        try await first.cleanupExpired()
        let before = try await first.metrics()
        try await first.close()

        let second = RpcSessionStore(
            backend: try await SQLiteSessionBackend.open(path: directory.databasePath), clock: clock, configuration: config
        )
        let after = try await second.metrics()
        try await second.close()
        #expect(after.activeSessions == 1)
        #expect(after.totalRequests == 2)
        #expect(after.totalRenderTimeMs == 40)
        #expect(after.avgRenderTimeMs == 20)
        #expect(after.errors == 1)
        #expect(after.expiredCleaned == 1)
        #expect(after.avgSessionAgeSeconds == before.avgSessionAgeSeconds)
    }

    @Test func theDatabaseIsInWALMode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withDatabase(in: directory) { backend async throws in
            #expect(try await backend.journalMode() == "wal")
        }
        // WAL is a property of the file: a fresh connection sees it too.
        #expect(try await rawSQL(directory.databasePath, "PRAGMA journal_mode").first?.column("journal_mode")?.string == "wal")
    }

    @Test func theSchemaVersionIsRecordedInTheFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withDatabase(in: directory) { backend async throws in
            let stored = try await backend.storedSchemaVersion()
            #expect(stored == SQLiteSessionBackend.schemaVersion)
            #expect(stored >= 1)
        }
        let raw = try await rawSQL(directory.databasePath, "PRAGMA user_version")
        #expect(raw.first?.column("user_version")?.integer == SQLiteSessionBackend.schemaVersion)
    }

    @Test func reopeningAnUpToDateDatabaseKeepsItsSchemaAndData() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withDatabase(in: directory) { try await $0.put(RpcSessionContext(sessionId: "x", now: Date())) }
        try await withDatabase(in: directory) { backend async throws in
            #expect(try await backend.count() == 1)
            #expect(try await backend.storedSchemaVersion() == SQLiteSessionBackend.schemaVersion)
        }
    }

    @Test func aDatabaseFromANewerSchemaIsRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await rawSQL(try await withDatabase(in: directory) { _ in }, "PRAGMA user_version = 999")
        do {
            let backend = try await SQLiteSessionBackend.open(path: directory.databasePath)
            try await backend.close()
            Issue.record("a schema-999 database was opened")
        } catch {
            guard case .backend(let description) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(description.contains("999"))
        }
    }

    @Test func aCorruptRecordIsReportedWithTheFileNotServed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = try await SQLiteSessionBackend.open(path: directory.databasePath)
        try await backend.put(RpcSessionContext(sessionId: "bad", now: Date()))
        _ = try await rawSQL(directory.databasePath, "UPDATE sessions SET record = '{not json' WHERE id = 'bad'")
        let outcome: Result<RpcSessionContext?, SessionError>
        do throws(SessionError) {
            outcome = .success(try await backend.load("bad"))
        } catch {
            outcome = .failure(error)
        }
        try await backend.close()
        guard case .failure(.backend(let description)) = outcome else {
            Issue.record("expected a backend error, got \(outcome)")
            return
        }
        #expect(description.contains("corrupt"))
        #expect(description.contains(directory.databasePath))
    }

    @Test func aClosedBackendFailsWithABackendError() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let backend = try await SQLiteSessionBackend.open(path: directory.databasePath)
        try await backend.close()
        try await backend.close()
        await expectSessionError(.backend("the session database \(directory.databasePath) is closed")) {
            () async throws(SessionError) in try await backend.load("x")
        }
    }

    @Test func anUnopenablePathIsABackendErrorNamingIt() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let blocker = directory.url.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        do {
            let backend = try await SQLiteSessionBackend.open(path: blocker.appendingPathComponent("sessions.sqlite").path)
            try await backend.close()
            Issue.record("opened a database below a regular file")
        } catch {
            #expect("\(error)".contains(blocker.path))
        }
    }

    @Test func columnsMatchTheRecord() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var session = RpcSessionContext(sessionId: "c", config: SessionConfig(ttlSeconds: 100), now: Date(timeIntervalSince1970: 1000))
        session.recordRequest(url: nil, renderTimeMs: 7.5, at: Date(timeIntervalSince1970: 1010))
        session.recordError("e")
        session.profile = "prof"
        try await withDatabase(in: directory) { [session] in try await $0.put(session) }
        let row = try #require(try await rawSQL(directory.databasePath, "SELECT * FROM sessions").first)
        #expect(row.column("expires_at")?.double == 1110)
        #expect(row.column("created_at")?.double == 1000)
        #expect(row.column("request_count")?.integer == 1)
        #expect(row.column("render_count")?.integer == 1)
        #expect(row.column("render_time_ms")?.double == 7.5)
        #expect(row.column("error_count")?.integer == 1)
        #expect(row.column("profile")?.string == "prof")
    }
}
