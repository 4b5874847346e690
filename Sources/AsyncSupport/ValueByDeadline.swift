import Synchronization

/// `operation`'s value, or nil when `deadline` passes first. Unlike `withTimeLimit`, the operation
/// is not cancelled and not waited for: it runs on to its end in a task of its own, and a value it
/// brings after the deadline goes to `late` — for giving back what the caller no longer wants (a
/// session lease granted after the call gave up is released). For operations that cannot be
/// cancelled safely half-way (a database round trip whose effect may already be committed).
/// Throws what the operation threw before the deadline, or `CancellationError` when the calling
/// task is cancelled first (an operation already started runs on, its value going to `late`).
public func value<T: Sendable>(
    by deadline: ContinuousClock.Instant, of operation: @escaping @Sendable () async throws -> T,
    late: @escaping @Sendable (T) async -> Void
) async throws -> T? {
    let answer = OnceAnswer<T>()
    let outcome = await withTaskCancellationHandler {
        await withCheckedContinuation { (continuation: CheckedContinuation<OnceAnswer<T>.Outcome, Never>) in
            guard answer.wait(continuation) else { return }
            let timer = Task {
                // A stopped timer (the operation ended first) must not answer: its sleep ends at
                // once when cancelled, possibly before the operation has given its value.
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                answer.give(.deadlinePassed)
            }
            Task {
                let result: Result<T, any Error>
                do {
                    result = .success(try await operation())
                } catch {
                    result = .failure(error)
                }
                let inTime = answer.give(.finished(result))
                timer.cancel()
                if !inTime, case .success(let value) = result { await late(value) }
            }
        }
    } onCancel: {
        answer.give(.cancelled)
    }
    switch outcome {
    case .finished(let result): return try result.get()
    case .deadlinePassed: return nil
    case .cancelled: throw CancellationError()
    }
}

/// The one answer of `value(by:of:late:)`: the first `give` wins; it may come before the caller
/// waits (cancelled at once), and then waits here for it.
private final class OnceAnswer<T: Sendable>: Sendable {
    enum Outcome: Sendable {
        case finished(Result<T, any Error>)
        case deadlinePassed
        case cancelled
    }

    private struct State {
        var continuation: CheckedContinuation<Outcome, Never>?
        var given: Outcome?
    }

    private let state = Mutex(State())

    /// Gives the answer; false when one was given already.
    @discardableResult
    func give(_ outcome: Outcome) -> Bool {
        let (first, continuation): (Bool, CheckedContinuation<Outcome, Never>?) = state.withLock { s in
            guard s.given == nil else { return (false, nil) }
            s.given = outcome
            return (true, s.continuation.take())
        }
        continuation?.resume(returning: outcome)
        return first
    }

    /// Waits with `continuation`; false (resumed already) when the answer was given before.
    func wait(_ continuation: CheckedContinuation<Outcome, Never>) -> Bool {
        let given: Outcome? = state.withLock { s in
            if let given = s.given { return given }
            s.continuation = continuation
            return nil
        }
        guard let given else { return true }
        continuation.resume(returning: given)
        return false
    }
}
