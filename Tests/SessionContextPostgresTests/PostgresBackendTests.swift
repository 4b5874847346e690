import Foundation
import Logging
import PostgresNIO
import PostgresSandbox
import RenderTypes
import SessionContext
import SessionContextPostgres
import Testing
import TestSupport

/// What only the PostgreSQL backend must show: several nodes (backend instances, each its own
/// pool) on one database at once, and big sessions stored exactly. The contract every backend
/// keeps is SessionBackendTests'.
@Suite struct PostgresBackendTests {
    let now = Date(timeIntervalSince1970: 1_767_225_600)

    @Test func twoNodesMigratingOneEmptyDatabaseAtOnceApplyEachVersionOnce() async throws {
        try await TestPostgres.withDatabase { url in
            async let first = TestPostgres.backend(url: url)
            async let second = TestPostgres.backend(url: url)
            let (a, b) = try await (first, second)
            defer { Task { try? await a.close(); try? await b.close() } }
            let versions = try await rawQuery(url, "SELECT version FROM tidepool_schema_version ORDER BY version", as: Int32.self)
            #expect(versions == Array(1...Int32(PostgresSessionBackend.schemaVersion)))
            try await a.put(RpcSessionContext(sessionId: "shared", now: now))
            #expect(try await b.load("shared")?.sessionId == "shared", "both nodes use the one schema")
            try await a.close()
            try await b.close()
        }
    }

    @Test func aSessionOf500CookiesAnd5MBOfLocalStorageRoundTripsExactly() async throws {
        var session = RpcSessionContext(sessionId: "big", now: now, metadata: ["nested": ["list": [1, 2.5, "x", nil]]])
        // Values a database could bend: NUL, quotes, backslashes, astral-plane characters.
        let odd = "nul\u{0} quote\" back\\slash é 😀 \u{1F}"
        _ = session.setCookies((0..<500).map { cookie($0, value: odd) })
        let value = String(repeating: "v", count: 10_000) + odd
        session.localStorage = Dictionary(
            uniqueKeysWithValues: (0..<50).map { origin in
                ("https://o\(origin).test", Dictionary(uniqueKeysWithValues: (0..<10).map { ("k\($0)\(odd)", value) }))
            }
        )
        #expect(session.cookies.count == 500)
        #expect(session.localStorage.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.utf8.count } } > 5_000_000)
        try await TestPostgres.withDatabase { url in
            let writer = try await TestPostgres.backend(url: url)
            let reader = try await TestPostgres.backend(url: url)
            try await writer.put(session)
            #expect(try await reader.load("big") == session)
            // A change that leaves the browser state alone keeps it as it was.
            try await writer.modify("big") { (record: inout RpcSessionContext?) in record?.requestCount += 1 }
            var counted = session
            counted.requestCount += 1
            #expect(try await reader.load("big") == counted)
            try await writer.close()
            try await reader.close()
        }
    }

    @Test func concurrentChangesFromTwoNodesNeverLoseAnUpdate() async throws {
        try await TestPostgres.withDatabase { url in
            let nodes = [try await TestPostgres.backend(url: url), try await TestPostgres.backend(url: url)]
            try await nodes[0].put(RpcSessionContext(sessionId: "counted", now: now))
            // Half the changes create the session they count, so creators race on a missing row too.
            let now = self.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<80 {
                    let node = nodes[index % 2]
                    group.addTask {
                        try await node.modify("counted") { (record: inout RpcSessionContext?) in record?.requestCount += 1 }
                        try await node.modify("created") { (record: inout RpcSessionContext?) in
                            if record == nil { record = RpcSessionContext(sessionId: "created", now: now) }
                            record?.requestCount += 1
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await nodes[1].load("counted")?.requestCount == 80)
            #expect(try await nodes[0].load("created")?.requestCount == 80)
            for node in nodes { try await node.close() }
        }
    }

    @Test func twoNodesSweepingAtOnceRemoveAndCountEachExpiredSessionOnce() async throws {
        try await TestPostgres.withDatabase { url in
            let nodes = [try await TestPostgres.backend(url: url), try await TestPostgres.backend(url: url)]
            for index in 0..<120 {
                let ttl = index < 100 ? 10 : 10_000
                try await nodes[0].put(RpcSessionContext(sessionId: SessionID(stringLiteral: "s\(index)"), config: SessionConfig(ttlSeconds: ttl), now: now))
            }
            let later = now.addingTimeInterval(60)
            let removed = try await withThrowingTaskGroup(of: [RemovedSession].self) { group in
                for node in nodes {
                    group.addTask {
                        var removed: [RemovedSession] = []
                        while true {
                            let batch = try await node.deleteExpired(now: later, limit: 7)
                            if batch.isEmpty { return removed }
                            removed += batch
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(removed.count == 100)
            #expect(Set(removed.map(\.id)).count == 100)
            #expect(try await nodes[0].summary(now: later).expiredCleaned == 100)
            #expect(try await nodes[1].summary(now: later).expiredCleaned == 100)
            #expect(try await nodes[1].count() == 20)
            for node in nodes { try await node.close() }
        }
    }

    @Test func aDatabaseWithANewerSchemaIsRefusedNamingTheVersions() async throws {
        try await TestPostgres.withDatabase { url in
            try await TestPostgres.backend(url: url).close()
            _ = try await rawQuery(url, "INSERT INTO tidepool_schema_version (version) VALUES (999) RETURNING version", as: Int32.self)
            await expectSessionError("a refusal naming version 999", sourceLocation: #_sourceLocation, {
                () async throws(SessionError) in
                try await PostgresSessionBackend.open(url: try PostgresDatabaseURL(url), configuration: TestPostgres.configuration)
            }) { error in
                if case .backend(let description) = error { description.contains("999") && description.contains("newer") } else { false }
            }
        }
    }

    @Test func anUnreachableDatabaseFailsAtOnceNamingItWithoutItsPassword() async throws {
        // Nothing listens on port 1 of the loopback address.
        let url = try PostgresDatabaseURL("postgres://tidepool:s3cret@127.0.0.1:1/sessions?sslmode=disable")
        let backend = PostgresSessionBackend(url: url, configuration: TestPostgres.configuration, logger: testLogger())
        let started = ContinuousClock.now
        await expectSessionError("unavailable, naming the database", sourceLocation: #_sourceLocation, {
            () async throws(SessionError) in try await backend.load("any")
        }) { error in
            guard case .unavailable(let description) = error else { return false }
            return description.contains("127.0.0.1:1/sessions") && !"\(error)".contains("s3cret")
        }
        await expectSessionError("unavailable after the wait", sourceLocation: #_sourceLocation, {
            () async throws(SessionError) in try await backend.waitUntilReady(timeout: .milliseconds(300))
        }) { error in
            if case .unavailable = error { true } else { false }
        }
        // A call that queued for a connection would end only at its operation timeout (30 s).
        #expect(
            ContinuousClock.now - started < TestPostgres.configuration.operationTimeout,
            "no call waits out its operation timeout for a database that is down")
        try await backend.close()
        await expectSessionError(.backend("the session database \(url.location) is closed")) {
            () async throws(SessionError) in try await backend.count()
        }
    }

    @Test func theBackendRecoversByItselfWhenItsDatabaseComesBack() async throws {
        try await TestPostgres.withPrivateServer { server in
            try await server.createDatabase("outage")
            var configuration = TestPostgres.configuration
            configuration.operationTimeout = .seconds(2)
            let backend = try await TestPostgres.backend(url: server.url(database: "outage"), configuration: configuration)
            try await backend.put(RpcSessionContext(sessionId: "kept", now: now))
            try await server.stop()
            await expectSessionError("unavailable while the database is down", sourceLocation: #_sourceLocation, {
                () async throws(SessionError) in try await backend.load("kept")
            }) { error in
                if case .unavailable(let description) = error { description.contains("127.0.0.1:\(server.port)/outage") } else { false }
            }
            #expect(throws: SessionError.self, "calls fail at once while it is down") { try backend.readiness.get() }
            try await server.restart()
            try await eventually("the backend serves again") { (try? await backend.load("kept"))?.sessionId == "kept" }
            try await backend.close()
        }
    }

    /// The `index`th of many cookies, each field varied.
    func cookie(_ index: Int, value: String) -> Cookie {
        let expires: Double? = index.isMultiple(of: 2) ? 1.8e9 + Double(index) + 0.125 : nil
        let sameSite: Cookie.SameSite? = index.isMultiple(of: 4) ? .lax : nil
        return Cookie(
            name: "c\(index)", value: value + String(index), domain: "site\(index % 7).test", path: "/p\(index % 3)",
            expires: expires, secure: index % 3 == 0, httpOnly: index % 5 == 0, sameSite: sameSite
        )
    }

    /// The values of a one-column query, through a connection of its own.
    func rawQuery<Value: PostgresDecodable & Sendable>(_ url: String, _ sql: String, as: Value.Type) async throws -> [Value] {
        let configuration = try PostgresDatabaseURL(url).connectionConfiguration()
        let logger = testLogger()
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        var values: [Value] = []
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Value.self) {
            values.append(value)
        }
        try await connection.close()
        return values
    }
}
