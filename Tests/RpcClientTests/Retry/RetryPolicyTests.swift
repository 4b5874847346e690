import RpcClient
import Testing

/// The backoff arithmetic of `RetryPolicy`, without a server.
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1))

    @Test func backoffCapDoublesUpToTheMaximum() {
        let caps = (1...6).map { policy.backoffCap(beforeRetry: $0) }
        #expect(caps == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
    }

    @Test func fullJitterSpansZeroToTheCap() {
        let error = RpcError.browserCrashed(retried: false)
        #expect(policy.delay(beforeRetry: 3, after: error, unitRandom: 0) == .zero)
        #expect(policy.delay(beforeRetry: 3, after: error, unitRandom: 0.5) == .milliseconds(200))
        #expect(policy.delay(beforeRetry: 3, after: error, unitRandom: 0.999_999) <= .milliseconds(400))
    }

    @Test func retryAfterIsALowerBound() {
        let overloaded = RpcError.overloaded(retryAfterMs: 2_500, queueLength: 3)
        #expect(policy.delay(beforeRetry: 1, after: overloaded, unitRandom: 0.9) == .milliseconds(2_500))
        let ignoring = RetryPolicy(maxDelay: .seconds(1), honoursRetryAfter: false)
        #expect(ignoring.delay(beforeRetry: 1, after: overloaded, unitRandom: 0) == .zero)
    }

    @Test func onlyTransportFailuresOverloadAndCrashAreRetryable() {
        let retryable: [RpcError] = [
            .connectionFailed(url: "u", reason: "reset"), .httpStatus(502, body: ""), .httpStatus(503, body: ""),
            .httpStatus(504, body: ""), .overloaded(retryAfterMs: nil, queueLength: nil), .browserCrashed(retried: true),
        ]
        let final: [RpcError] = [
            .httpStatus(401, body: ""), .httpStatus(500, body: ""), .sessionNotFound("s"),
            .requestLimitReached(max: 1, sessionID: "s"), .renderTimeout(stage: "wait", elapsedMs: 1),
            .invalidParams(field: "f", reason: "r"), .internalError(requestID: nil), .invalidResponse("x"),
            .deadlineExceeded(timeout: .seconds(1), attempts: 1, lastError: nil), .cancelled,
        ]
        #expect(retryable.allSatisfy(policy.isRetryable))
        #expect(!final.contains(where: policy.isRetryable))
    }

    @Test func defaultPolicyMakesThreeAttempts() {
        #expect(RetryPolicy.default.maxAttempts == 3)
        #expect(RetryPolicy.none.maxAttempts == 1)
    }
}
