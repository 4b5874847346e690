import Logging

/// What one attempt of a call left.
enum AttemptOutcome<T: Sendable>: Sendable {
    /// Done: return this.
    case finished(T)
    /// Part of the work failed with a retryable `error` (a batch member); `partial` is what to
    /// return when no retry is made.
    case retryable(RpcError, partial: T)
}

/// Runs `attempt` until it finishes, fails for good, runs out of attempts, or the deadline would
/// pass during the next wait (`RetryPolicy`). A thrown error that is retried but then runs into
/// the deadline becomes `.deadlineExceeded` carrying it.
func withRetries<T: Sendable>(
    policy: RetryPolicy, deadline: CallDeadline, logger: Logger, label: String,
    _ attempt: (Int) async throws(RpcError) -> AttemptOutcome<T>
) async throws(RpcError) -> T {
    var number = 1
    while true {
        let failure: RpcError
        var partial: T?
        do {
            switch try await attempt(number) {
            case .finished(let value):
                return value
            case .retryable(let error, let value):
                failure = error
                partial = value
            }
        } catch .deadlineExceeded(let timeout, _, let last) {
            throw .deadlineExceeded(timeout: timeout, attempts: number, lastError: last)
        } catch {
            failure = error
        }
        guard let delay = policy.nextDelay(after: failure, attempt: number, remaining: deadline.remaining) else {
            if let partial { return partial }
            if policy.isRetryable(failure), number < policy.maxAttempts {
                throw .deadlineExceeded(timeout: deadline.timeout, attempts: number, lastError: failure)
            }
            throw failure
        }
        logger.debug(
            "retrying Tidepool call",
            metadata: ["rpc.method": "\(label)", "attempt": "\(number)", "delay": "\(delay)", "error": "\(failure)"]
        )
        do {
            try await Task.sleep(for: delay)
        } catch {
            throw .cancelled
        }
        number += 1
    }
}
