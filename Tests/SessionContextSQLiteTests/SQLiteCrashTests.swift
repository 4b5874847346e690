import Foundation
import RenderTypes
import SessionContext
import SessionContextSQLite
import SQLiteNIO
import Testing
import TestSupport

/// A process killed with SIGKILL in the middle of writing leaves every session whole: each row
/// decodes and is exactly one version the writer wrote, never a mix of two.
@Suite struct SQLiteCrashTests {
    static let sessions = 16

    /// Version `version` of session number `index`: every field derives from the version, and the
    /// record's size changes with it, so a torn write could not pass for a whole one.
    static func record(version: Int, index: Int) -> RpcSessionContext {
        var session = RpcSessionContext(
            sessionId: SessionID(stringLiteral: "crash-\(index)"), config: SessionConfig(ttlSeconds: 3600),
            now: Date(timeIntervalSince1970: 1_767_225_600)
        )
        session.requestCount = version
        session.renderCount = version
        session.totalRenderTimeMs = Double(version) * 1.5
        session.lastUrl = "https://a.test/\(version)"
        session.metadata = ["version": .int(version), "filler": .string(String(repeating: "v\(version)-", count: 50 + version % 400))]
        session.cookies = (0..<(version % 30)).map { Cookie(name: "c\($0)", value: "\(version)", domain: "a.test") }
        return session
    }

    @Test func aWriterKilledWithSIGKILLLeavesEveryRowWholeAndConsistent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.databasePath
        let seed = try await SQLiteSessionBackend.open(path: path)
        for index in 0..<Self.sessions { try await seed.put(Self.record(version: 0, index: index)) }
        try await seed.close()

        await #expect(processExitsWith: .signal(SIGKILL)) { [path = path as String] in
            let backend = try await SQLiteSessionBackend.open(path: path)
            var version = 0
            while true {
                version += 1
                for index in 0..<SQLiteCrashTests.sessions {
                    try await backend.put(SQLiteCrashTests.record(version: version, index: index))
                }
                if version == 5 {
                    // Kill from another thread at a random moment, wherever the writer is.
                    let delay = UInt32.random(in: 0...40_000)
                    Thread.detachNewThread {
                        usleep(delay)
                        kill(getpid(), SIGKILL)
                    }
                }
            }
        }

        let backend = try await SQLiteSessionBackend.open(path: path)
        let records = try await backend.loadAll()
        try await backend.close()
        #expect(records.count == Self.sessions)
        var versions: [Int] = []
        for record in records {
            let version = record.requestCount
            let index = try #require(Int(record.sessionId.rawValue.dropFirst("crash-".count)))
            #expect(record == Self.record(version: version, index: index))
            versions.append(version)
        }
        #expect(versions.min() ?? 0 >= 5, "the writer completed 5 rounds before the kill was armed")
        // The indexed columns were written in the same transaction as the record.
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        let rows = try await connection.query("SELECT id, request_count, record FROM sessions ORDER BY id")
        try await connection.close()
        for row in rows {
            let record = try JSONDecoder().decode(RpcSessionContext.self, from: Data((row.column("record")?.string ?? "").utf8))
            #expect(row.column("request_count")?.integer == record.requestCount)
        }
    }
}
