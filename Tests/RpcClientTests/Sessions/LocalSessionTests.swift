import Foundation
import RenderTypes
import RpcClient
import SessionContext
import SessionContextSQLite
import Testing
import TestSupport

/// The client-side session store: local admission before any network call, bookkeeping after.
/// The server here has no `render` yet for these tests' purpose: a render it cannot serve still
/// reaches it (and is counted there), so "no network call" is measured by the server's own count.
@Suite(.serialized) struct LocalSessionTests {
    /// Runs `body` with a real server and a client whose local session `id` allows `max` requests.
    func withLimitedSession(
        _ id: SessionID, max: Int, _ body: (TestServer, RpcClient) async throws -> Void
    ) async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                client.enableSessions()
                _ = try await client.getOrCreateSession(id, config: SessionConfig(maxRequests: max))
                try await body(server, client)
            }
        }
    }

    @Test func sessionCallsWithoutAStoreSayHowToEnableIt() async throws {
        let client = try RpcClient(url: "http://127.0.0.1:9", configuration: .quietTest)
        #expect(client.sessionsEnabled == false)
        #expect(await rpcError { try await client.getSessionMetrics() } == .sessionsNotEnabled)
        #expect(RpcError.sessionsNotEnabled.description.contains("enableSessions()"))
        await client.shutdown()
    }

    @Test func getOrCreateThenGetUpdateAndRemove() async throws {
        let client = try RpcClient(url: "http://127.0.0.1:9", configuration: .quietTest).enableSessions()
        let created = try await client.getOrCreateSession("flow", config: SessionConfig(ttlSeconds: 60, maxRequests: 3))
        #expect(created.config.maxRequests == 3)
        let again = try await client.getOrCreateSession("flow")
        #expect(again.createdAt == created.createdAt, "an existing session is returned, not reset")
        try await client.updateSession("flow") { $0.metadata["user"] = "ada" }
        #expect(try await client.getSession("flow").metadata == ["user": "ada"])
        #expect(try await client.removeSession("flow") == true)
        #expect(await rpcError { try await client.getSession("flow") } == .sessionNotFound("flow"))
        await client.shutdown()
    }

    @Test func requestOverTheLimitIsRefusedWithoutANetworkCall() async throws {
        try await withLimitedSession("limited", max: 2) { server, client in
            for _ in 0..<2 {
                _ = await rpcError { try await client.renderDynamicWithSession(url: "about:blank", sessionID: "limited") }
            }
            let reachedServer = server.requestCount
            #expect(reachedServer == 2)
            let refused = await rpcError { try await client.renderDynamicWithSession(url: "about:blank", sessionID: "limited") }
            #expect(refused == .requestLimitReached(max: 2, sessionID: "limited"))
            #expect(server.requestCount == reachedServer, "the refused render never left the client")
            let session = try await client.peekSession("limited")
            #expect(session.requestCount == 2)
        }
    }

    @Test func concurrentRendersNeverOvershootTheLimit() async throws {
        try await withLimitedSession("busy", max: 5) { server, client in
            let refusals = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let error = await rpcError { try await client.renderDynamicWithSession(url: "about:blank", sessionID: "busy") }
                        return error == .requestLimitReached(max: 5, sessionID: "busy")
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(refusals == 7)
            #expect(server.requestCount == 5)
        }
    }

    @Test func aFailedRenderIsRecordedAsTheSessionsError() async throws {
        // The render is admitted, sent, and fails on the server.
        try await ScriptedRpcServer.run({ _, _ in .error(.navigationFailed, data: ["url": "http://x.test/", "net_error": "net::ERR_NAME_NOT_RESOLVED"]) }) { server in
            try await server.withClient { client in
                client.enableSessions()
                _ = await rpcError { try await client.renderDynamicWithSession(url: "http://x.test/", sessionID: "err") }
                let session = try await client.peekSession("err")
                #expect(session.requestCount == 1)
                #expect(session.errorCount == 1)
                #expect(session.lastError?.contains("net::ERR_NAME_NOT_RESOLVED") == true)
                #expect(try await client.getSessionMetrics().errors == 1)
            }
        }
    }

    @Test func aSuccessfulRenderRecordsItsRenderTimeAndFinalURL() async throws {
        let result = DynamicRenderResult(finalUrl: "http://site.test/dashboard", statusCode: 200, title: "Dashboard", renderTimeMs: 123, sessionId: "ok")
        try await ScriptedRpcServer.run({ _, _ in .result(try! JSONValue(encoding: result)) }) { server in
            try await server.withClient { client in
                client.enableSessions()
                let rendered = try await client.renderDynamicWithSession(url: "http://site.test/login", sessionID: "ok")
                #expect(rendered == result)
                let session = try await client.peekSession("ok")
                #expect(session.requestCount == 1)
                #expect(session.lastUrl == "http://site.test/dashboard")
                #expect(session.avgRenderTimeMs == 123)
                let metrics = try await client.getSessionMetrics()
                #expect(metrics.totalRequests == 1)
                #expect(metrics.totalRenderTimeMs == 123)
                #expect(server.requests.first?.body["params"]?["session_id"] == "ok")
            }
        }
    }

    @Test func expiredLocalSessionIsRefusedWithoutANetworkCall() async throws {
        let clock = ManualWallClock()
        let store = RpcSessionStore(clock: clock)
        try await ScriptedRpcServer.run({ _, _ in .result(.null) }) { server in
            let client = try RpcClient(url: server.baseURL, sessionStore: store, configuration: .quietTest)
            _ = try await client.getOrCreateSession("brief", config: SessionConfig(ttlSeconds: 5))
            clock.advance(by: 6)
            let error = await rpcError { try await client.renderDynamicWithSession(url: "about:blank", sessionID: "brief") }
            await client.shutdown()
            #expect(error == .sessionExpired("brief", expiredAt: clock.now().addingTimeInterval(-1)))
            #expect(server.requestCount == 0)
        }
    }

    @Test func batchedRendersAreAdmittedOneByOne() async throws {
        try await withLimitedSession("b", max: 2) { server, client in
            let results = try await client.batch { batch in
                (0..<3).map { _ in batch.renderDynamicWithSession(url: "about:blank", sessionID: "b") }
            }
            #expect(results.count == 3)
            #expect(throws: RpcError.requestLimitReached(max: 2, sessionID: "b")) { try results[2].get() }
            #expect(server.requestCount == 2, "only the two admitted renders were sent")
        }
    }
}

/// The client-side store runs over any `SessionBackend`: here SQLite, whose records outlive the client.
@Suite(.serialized) struct PersistentLocalSessionTests {
    @Test func sqliteBackedStoreKeepsTheCountAcrossClients() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tidepool-client-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await ScriptedRpcServer.run({ _, _ in .error(.renderTimeout, data: ["stage": "wait", "elapsed_ms": 5]) }) { server in
            for _ in 0..<2 {
                let store = RpcSessionStore(backend: try await SQLiteSessionBackend.open(path: path))
                let client = try RpcClient(url: server.baseURL, sessionStore: store, configuration: .quietTest)
                _ = try await client.getOrCreateSession("kept", config: SessionConfig(maxRequests: 3))
                _ = await rpcError { try await client.renderDynamicWithSession(url: "about:blank", sessionID: "kept") }
                await client.shutdown()
                try await store.close()
            }
            let store = RpcSessionStore(backend: try await SQLiteSessionBackend.open(path: path))
            let session = try await store.peek("kept")
            try await store.close()
            #expect(session.requestCount == 2)
            #expect(session.errorCount == 2)
            #expect(server.requestCount == 2)
        }
    }
}
