import Foundation
import HTTPTypes
import RenderTypes
import RpcClient
import Testing
import TestSupport

/// Retries against a scripted server: which errors are retried, the backoff honouring
/// `retry_after_ms`, the attempt bound and the deadline.
@Suite(.serialized) struct RetryTests {
    static let overloaded = ScriptedAnswer.error(.overloaded, data: ["retry_after_ms": 150, "queue_length": 9])
    static let healthy = ScriptedAnswer.result([
        "status": "healthy", "version": "t", "uptime_secs": 1, "pool": nil,
        "sessions": ["backend": "memory", "ok": true, "count": 0],
    ])

    @Test func overloadedTwiceThenSuccessIsRetriedAfterRetryAfter() async throws {
        try await ScriptedRpcServer.run({ n, _ in n < 2 ? Self.overloaded : Self.healthy }) { server in
            try await server.withClient { client in
                let health = try await client.health()
                #expect(health.isHealthy)
                let arrivals = server.requests.map(\.at)
                #expect(arrivals.count == 3)
                for (earlier, later) in zip(arrivals, arrivals.dropFirst()) {
                    #expect(earlier.duration(to: later) >= .milliseconds(150), "the wait honours retry_after_ms")
                }
            }
        }
    }

    @Test func retriesStopAtTheDeadline() async throws {
        let slowRetry = ScriptedAnswer.error(.overloaded, data: ["retry_after_ms": 5_000, "queue_length": 1])
        try await ScriptedRpcServer.run({ n, _ in n < 2 ? slowRetry : Self.healthy }) { server in
            try await server.withClient(.testing { $0.timeout = .seconds(1) }) { client in
                let error = await rpcError { try await client.health() }
                #expect(error == .deadlineExceeded(
                    timeout: .seconds(1), attempts: 1, lastError: .overloaded(retryAfterMs: 5_000, queueLength: 1)
                ))
                #expect(server.requestCount == 1, "no attempt is made that could not finish before the deadline")
            }
        }
    }

    @Test func attemptsAreBoundedByThePolicy() async throws {
        try await ScriptedRpcServer.run({ _, _ in .error(.overloaded, data: ["retry_after_ms": 10, "queue_length": 1]) }) { server in
            try await server.withClient(.testing { $0.retryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(5)) }) { client in
                #expect(await rpcError { try await client.health() } == .overloaded(retryAfterMs: 10, queueLength: 1))
                #expect(server.requestCount == 4)
            }
        }
    }

    @Test func browserCrashIsRetried() async throws {
        try await ScriptedRpcServer.run({ n, _ in n == 0 ? .error(.browserCrashed, data: ["retried": true]) : Self.healthy }) { server in
            try await server.withClient(.testing { $0.retryPolicy = RetryPolicy(baseDelay: .milliseconds(5)) }) { client in
                let health = try await client.health()
                #expect(health.isHealthy)
                #expect(server.requestCount == 2)
            }
        }
    }

    @Test func unavailableHTTPStatusIsRetried() async throws {
        try await ScriptedRpcServer.run({ n, _ in
            n == 0 ? ScriptedAnswer(status: .serviceUnavailable, body: "busy") : Self.healthy
        }) { server in
            try await server.withClient(.testing { $0.retryPolicy = RetryPolicy(baseDelay: .milliseconds(5)) }) { client in
                let health = try await client.health()
                #expect(health.isHealthy)
                #expect(server.requestCount == 2)
            }
        }
    }

    @Test func otherErrorsAreNeverRetried() async throws {
        let answers: [ScriptedAnswer] = [
            .error(.sessionNotFound, data: ["session_id": "x"]),
            .error(.invalidParams, data: ["field": "ttl_secs", "reason": "no"]),
            .error(.renderTimeout, data: ["stage": "wait", "elapsed_ms": 10]),
            ScriptedAnswer(status: .unauthorized, body: ""),
        ]
        for answer in answers {
            try await ScriptedRpcServer.run({ _, _ in answer }) { server in
                try await server.withClient { client in
                    _ = await rpcError { try await client.health() }
                    #expect(server.requestCount == 1, "\(answer.body)")
                }
            }
        }
    }

    @Test func batchMembersThatWereOverloadedAreSentAgainAlone() async throws {
        // First answer: member 1 overloaded, member 2 fine. Second request must carry member 1 only.
        try await ScriptedRpcServer.run({ n, request in
            let ids = request.arrayValue?.compactMap { $0["id"]?.intValue } ?? []
            let members: [JSONValue] = ids.map { id in
                if n == 0 && id == 1 {
                    return ["jsonrpc": "2.0", "id": .int(id), "error": ["code": -32006, "message": "Overloaded", "data": ["retry_after_ms": 20]]]
                }
                return ["jsonrpc": "2.0", "id": .int(id), "result": .int(id * 10)]
            }
            return ScriptedAnswer(body: JSONValue.array(members).jsonString())
        }) { server in
            try await server.withClient { client in
                let (first, second) = try await client.batch { b in
                    (b.add(RpcCall<Int>(method: "a")), b.add(RpcCall<Int>(method: "b")))
                }
                #expect(try first.get() == 10)
                #expect(try second.get() == 20)
                #expect(server.requests.map { $0.body.arrayValue?.count } == [2, 1])
                #expect(server.requests.last?.body.arrayValue?.first?["method"] == "a")
            }
        }
    }
}
