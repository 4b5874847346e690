import RenderTypes
import RpcClient
import SessionContext
import Testing
import TestSupport

/// `client.batch { … }`: one HTTP request, typed results in the order the calls were added.
@Suite(.serialized) struct BatchTests {
    @Test func resultsOfDifferentTypesComeBackInOrder() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "a", metadata: ["n": 1])
                _ = try await client.createSession(id: "b", metadata: ["n": 2])
                let before = server.requestCount
                let (a, health, b, stats) = try await client.batch { batch in
                    (batch.session(id: "a"), batch.health(), batch.session(id: "b"), batch.sessionStats())
                }
                #expect(try a.get().metadata == ["n": 1])
                #expect(try health.get().isHealthy)
                #expect(try b.get().metadata == ["n": 2])
                #expect(try stats.get().activeSessions == 2)
                #expect(server.requestCount == before + 4, "four calls answered")
            }
        }
    }

    @Test func aFailingMemberFailsAlone() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "here")
                let (missing, here) = try await client.batch { b in (b.session(id: "gone"), b.session(id: "here")) }
                #expect(throws: RpcError.sessionNotFound("gone")) { try missing.get() }
                #expect(try here.get().sessionId == "here")
            }
        }
    }

    @Test func callsOfOneTypeComeBackAsAnArrayInOrder() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                let ids: [SessionID] = ["s3", "s1", "s2"]
                let created = try await client.batch { b in ids.map { b.createSession(id: $0) } }
                #expect(try created.map { try $0.get().sessionId } == ids)
                #expect(try await server.store.sessionCount() == 3)
            }
        }
    }

    @Test func emptyBatchMakesNoNetworkCall() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.health()
                let before = server.requestCount
                let results: [Result<SessionInfo, RpcError>] = try await client.batch { _ in [] }
                #expect(results.isEmpty)
                #expect(server.requestCount == before)
            }
        }
    }

    @Test func answersInAnyOrderAreMatchedByID() async throws {
        try await ScriptedRpcServer.run({ _, request in
            let members: [JSONValue] = (request.arrayValue ?? []).reversed().map { call in
                ["jsonrpc": "2.0", "id": call["id"] ?? .null, "result": call["method"] ?? .null]
            }
            return ScriptedAnswer(body: JSONValue.array(members).jsonString())
        }) { server in
            try await server.withClient { client in
                let names = ["first", "second", "third", "fourth"]
                let results = try await client.batch { b in names.map { b.add(RpcCall<String>(method: $0)) } }
                #expect(try results.map { try $0.get() } == names)
                #expect(server.requestCount == 1)
            }
        }
    }
}
