import Foundation
import RenderTypes
import Synchronization
@testable import RpcServer

/// Methods that exercise the engine's own rules: strict params, error mapping, concurrency.
enum EngineTestMethods {
    struct Nested: Codable, Sendable {
        var timeoutMs: Int
        enum CodingKeys: String, CodingKey { case timeoutMs = "timeout_ms" }
    }

    struct EchoParams: RpcParams {
        static let parameters = [
            RpcParameter("name", .string, required: true),
            RpcParameter("count", .integer),
            RpcParameter("config", .object(["timeout_ms": .integer])),
        ]
        static let paramStructure = RpcParamStructure.either
        var name: String
        var count: Int?
        var config: Nested?
    }

    struct NamedOnlyParams: RpcParams {
        static let parameters = [RpcParameter("value", .integer, required: true)]
        var value: Int
    }

    /// Throws the error of SPEC's table that `code` names.
    struct ThrowParams: RpcParams {
        static let parameters = [RpcParameter("code", .integer, required: true)]
        var code: Int
    }

    static let sampleErrors: [Int: RpcMethodError] = [
        -32602: .invalidParams(field: "config.wait_for.timeout_ms", reason: "must be between 1 and 120000"),
        -32001: .sessionNotFound(sessionID: "abc"),
        -32002: .sessionExpired(sessionID: "abc", expiredAt: Date(timeIntervalSince1970: 1_800_000_000)),
        -32003: .requestLimitReached(sessionID: "abc", maxRequests: 5),
        -32004: .renderTimeout(stage: .wait, elapsedMs: 1500),
        -32005: .navigationFailed(url: "http://nowhere.invalid/", netError: "net::ERR_NAME_NOT_RESOLVED"),
        -32006: .overloaded(retryAfterMs: 250, queueLength: 1000),
        -32007: .budgetExceeded(scope: "bytes", limit: 10, used: 11),
        -32008: .browserCrashed(retried: true),
        -32009: .urlNotAllowed(url: "file:///etc/passwd", reason: "scheme file is not allowed"),
        -32010: .actionFailed(actionIndex: 2, reason: "selector #x not found"),
        -32603: .internalError(detail: "secret detail that must not leak"),
    ]

    struct Untyped: Error {}

    /// Tracks how many calls of `slow` run at once.
    final class Concurrency: Sendable {
        let state = Mutex<(current: Int, peak: Int, total: Int)>((0, 0, 0))
        var peak: Int { state.withLock { $0.peak } }
    }

    static func registry(concurrency: Concurrency = Concurrency(), rendezvous: Int = 4) -> RpcMethodRegistry {
        var registry = RpcMethodRegistry()
        registry.register(
            "echo", summary: "echoes its params", params: EchoParams.self, result: RpcResultSpec("params", .any)
        ) { params, _ -> JSONValue in
            ["name": .string(params.name), "count": params.count.map(JSONValue.int) ?? .null]
        }
        registry.register(
            "named_only", summary: "takes params by name only", params: NamedOnlyParams.self,
            result: RpcResultSpec("value", .integer)
        ) { params, _ in params.value }
        registry.register(
            "fail", summary: "throws a typed error", params: ThrowParams.self, result: RpcResultSpec("never", .any)
        ) { params, _ -> Int in
            guard let error = sampleErrors[params.code] else { throw Untyped() }
            throw error
        }
        registry.register(
            "slow", summary: "waits until `rendezvous` calls have run at once (or 5 s)", params: NoParams.self,
            result: RpcResultSpec("peak", .integer)
        ) { (_: NoParams, _) -> Int in
            concurrency.state.withLock {
                $0.current += 1
                $0.total += 1
                $0.peak = max($0.peak, $0.current)
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while concurrency.state.withLock({ $0.peak < rendezvous }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(1))
            }
            return concurrency.state.withLock {
                $0.current -= 1
                return $0.peak
            }
        }
        return registry
    }
}
