import Foundation
@testable import Rendering
import RenderTypes
@testable import RpcClient
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// Each `RpcError` case the session methods can cause, produced by a real server condition and
/// carrying the server's `data` as typed fields. (The render errors are in RenderErrorTests.)
@Suite(.serialized) struct ServerErrorTests {
    @Test func unknownMethodIsMethodNotFound() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                let error = await rpcError { try await client.call(RpcCall<JSONValue>(method: "no.such.method")) }
                #expect(error == .methodNotFound(method: "no.such.method"))
                #expect(error?.code == -32601)
            }
        }
    }

    @Test func outOfRangeParamIsInvalidParamsNamingTheField() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                let error = await rpcError { try await client.createSession(ttlSeconds: 0) }
                guard case .invalidParams(let field, let reason)? = error else {
                    Issue.record("expected invalidParams, got \(String(describing: error))")
                    return
                }
                #expect(field == "ttl_secs")
                #expect(!reason.isEmpty)
            }
        }
    }

    @Test func unknownSessionIsSessionNotFound() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                #expect(await rpcError { try await client.session(id: "ghost") } == .sessionNotFound("ghost"))
                #expect(await rpcError { try await client.cookies(sessionID: "ghost") } == .sessionNotFound("ghost"))
            }
        }
    }

    @Test func expiredSessionIsSessionExpiredWithItsExpiry() async throws {
        let clock = ManualWallClock()
        try await TestServer.run(clock: clock) { server in
            try await server.withClient { client in
                let created = try await client.createSession(id: "old", ttlSeconds: 10)
                clock.advance(by: 10)
                let error = await rpcError { try await client.session(id: "old") }
                #expect(error == .sessionExpired("old", expiredAt: created.expiresAt))
            }
        }
    }

    @Test func sessionStoreFullIsBudgetExceeded() async throws {
        let sessions = SessionsConfiguration(backend: .memory, maxSessions: 1, healthCountMaxAge: .zero)
        try await TestServer.run(sessions: sessions) { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "first")
                let error = await rpcError { try await client.createSession(id: "second") }
                #expect(error == .budgetExceeded(scope: "sessions", limit: 1, used: 1))
            }
        }
    }

    @Test func batchOverTheServersLimitIsInvalidRequest() async throws {
        try await TestServer.run(engine: RpcEngine.Configuration(maxBatchSize: 2)) { server in
            try await server.withClient { client in
                let error = await rpcError {
                    try await client.batch { b in (b.health(), b.sessionStats(), b.cleanupSessions()) }
                }
                guard case .invalidRequest? = error else {
                    Issue.record("expected invalidRequest, got \(String(describing: error))")
                    return
                }
            }
        }
    }

    @Test func unparseableRequestIsParseError() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                // The client never sends broken JSON; its transport is used directly to make the server say so.
                let answer = try await client.transport.post(Data("{\"jsonrpc\": ".utf8), deadline: CallDeadline(timeout: .seconds(10)))
                let call = RpcCall<JSONValue>(method: "health")
                let error = await rpcError { try call.decodeResponse(answer) }
                guard case .parseError? = error else {
                    Issue.record("expected parseError, got \(String(describing: error))")
                    return
                }
                #expect(error?.code == -32700)
            }
        }
    }

    @Test func failingSessionStoreIsInternalErrorWithARequestID() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tidepool-client-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sessions = SessionsConfiguration(backend: .sqlite, dataDirectory: directory, healthCountMaxAge: .zero)
        try await TestServer.run(sessions: sessions) { server in
            try await server.withClient { client in
                // A closed SQLite store fails every call: the server answers -32603, details in its log only.
                try await server.store.close()
                let error = await rpcError { try await client.session(id: "any") }
                guard case .internalError(let requestID?)? = error else {
                    Issue.record("expected internalError with a request id, got \(String(describing: error))")
                    return
                }
                #expect(error?.description.contains(requestID) == true)
            }
        }
    }

    @Test func codeOutsideTheTableIsKeptWhole() async throws {
        try await ScriptedRpcServer.run({ _, _ in
            ScriptedAnswer(body: #"{"jsonrpc":"2.0","id":1,"error":{"code":-32099,"message":"Custom","data":{"x":1}}}"#)
        }) { server in
            try await server.withClient { client in
                let error = await rpcError { try await client.health() }
                #expect(error == .server(RpcErrorObject(code: -32099, message: "Custom", data: ["x": 1])))
            }
        }
    }

    @Test func answerThatIsNotJSONRPCIsInvalidResponse() async throws {
        try await ScriptedRpcServer.run({ _, _ in ScriptedAnswer(body: "<html>proxy error</html>") }) { server in
            try await server.withClient { client in
                guard case .invalidResponse? = await rpcError({ try await client.health() }) else {
                    Issue.record("expected invalidResponse")
                    return
                }
            }
        }
    }

    @Test func resultOfTheWrongShapeIsInvalidResponseNamingTheField() async throws {
        try await ScriptedRpcServer.run({ _, _ in .result(["sessions": [["session_id": 12]]]) }) { server in
            try await server.withClient { client in
                let error = await rpcError { try await client.listSessions() }
                guard case .invalidResponse(let reason)? = error else {
                    Issue.record("expected invalidResponse, got \(String(describing: error))")
                    return
                }
                #expect(reason.contains("sessions[0]"))
            }
        }
    }

    @Test func slowServerRunsIntoTheDeadline() async throws {
        try await ScriptedRpcServer.run({ _, _ in
            var answer = ScriptedAnswer.result(.null)
            answer.delay = .seconds(2)
            return answer
        }) { server in
            try await server.withClient(.testing { $0.timeout = .milliseconds(300) }) { client in
                let error = await rpcError { try await client.call(RpcCall<JSONValue>(method: "health")) }
                guard case .deadlineExceeded(let timeout, let attempts, _)? = error else {
                    Issue.record("expected deadlineExceeded, got \(String(describing: error))")
                    return
                }
                #expect(timeout == .milliseconds(300))
                #expect(attempts == 1)
            }
        }
    }
}
