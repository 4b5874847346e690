/// When and how long to wait before trying a failed call again.
///
/// Retried: transport failures (no answer, connection reset, HTTP 502/503/504), -32006 overloaded
/// and -32008 browser crashed; never any other error, since the same call would fail the same way.
/// The wait before retry `n` is drawn uniformly from `0...min(maxDelay, baseDelay · 2ⁿ⁻¹)` ("full
/// jitter", so many clients backing off at once spread out), and is never shorter than the
/// server's `retry_after_ms`. The call's deadline bounds the whole: a retry whose wait would end
/// past the deadline is not made.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first one included (1 means no retry).
    public var maxAttempts: Int
    /// The backoff cap of the first retry; it doubles with every further retry.
    public var baseDelay: Duration
    /// The largest backoff cap (a `retry_after_ms` above it is still honoured).
    public var maxDelay: Duration
    /// Whether the server's `retry_after_ms` sets a lower bound on the wait.
    public var honoursRetryAfter: Bool

    /// The default: 3 attempts, backoff from 200 ms up to 5 s with full jitter, `retry_after_ms` honoured.
    public init(
        maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
        honoursRetryAfter: Bool = true
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = max(.zero, baseDelay)
        self.maxDelay = max(.zero, maxDelay)
        self.honoursRetryAfter = honoursRetryAfter
    }

    /// 3 attempts, exponential backoff with full jitter, honouring `retry_after_ms`.
    public static let `default` = RetryPolicy()
    /// One attempt: every failure is final.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether `error` is worth the same call again: a transport failure, -32006 or -32008.
    public func isRetryable(_ error: RpcError) -> Bool {
        switch error {
        case .connectionFailed: true
        case .httpStatus(let status, _): [502, 503, 504].contains(status)
        case .overloaded, .browserCrashed: true
        default: false
        }
    }

    /// The backoff cap before retry number `retry` (1 is the first retry): `baseDelay · 2^(retry-1)`,
    /// at most `maxDelay`.
    public func backoffCap(beforeRetry retry: Int) -> Duration {
        let doublings = min(max(retry - 1, 0), 40)
        let cap = baseDelay * Double(1 << doublings)
        return min(cap, maxDelay)
    }

    /// The wait before retry number `retry` after `error`: `unitRandom` (in 0..<1) of the backoff
    /// cap, raised to the server's `retry_after_ms` when the policy honours it.
    public func delay(beforeRetry retry: Int, after error: RpcError, unitRandom: Double) -> Duration {
        let jittered = backoffCap(beforeRetry: retry) * min(max(unitRandom, 0), 1)
        guard honoursRetryAfter, let retryAfter = error.retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }

    /// The wait before the next attempt, or nil when `error` ends the call: not retryable, out of
    /// attempts (`attempt` is the number of the attempt that failed), or past `remaining` time.
    func nextDelay(after error: RpcError, attempt: Int, remaining: Duration) -> Duration? {
        guard isRetryable(error), attempt < maxAttempts else { return nil }
        let delay = delay(beforeRetry: attempt, after: error, unitRandom: Double.random(in: 0..<1))
        return delay < remaining ? delay : nil
    }
}
