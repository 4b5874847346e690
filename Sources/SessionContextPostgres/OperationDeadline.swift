/// Runs `operation` in a child task and cancels it when `limit` passes; the result is always the
/// operation's own, so a change that committed just as time ran out is reported as done, not lost.
/// An operation that fails after being cancelled by the deadline throws `OperationTimeout`.
///
/// Why a deadline at all: while the database is unreachable, postgres-nio's pool keeps a request
/// waiting for a connection until its circuit breaker trips (a minute); a cancelled wait ends at
/// once. A statement already running ends by the server's `statement_timeout` or the connection
/// closing, so cancellation is awaited, never abandoned.
func withOperationDeadline<R: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> R
) async throws -> R {
    let outcome = await withTaskGroup(of: DeadlineEvent<R>.self) { group -> Result<R, any Error> in
        group.addTask {
            do {
                return .finished(.success(try await operation()))
            } catch {
                return .finished(.failure(error))
            }
        }
        group.addTask {
            try? await Task.sleep(for: limit)
            return .deadline(passed: !Task.isCancelled)
        }
        var timedOut = false
        while let event = await group.next() {
            switch event {
            case .finished(let result):
                group.cancelAll()
                if timedOut, case .failure = result { return .failure(OperationTimeout(limit: limit)) }
                return result
            case .deadline(let passed):
                if passed {
                    timedOut = true
                    group.cancelAll()
                }
            }
        }
        // The operation's task always reports, so the loop returns before the group is empty.
        return .failure(OperationTimeout(limit: limit))
    }
    return try outcome.get()
}

/// What ends first in `withOperationDeadline`: the operation, or the time it was given.
private enum DeadlineEvent<R: Sendable>: Sendable {
    case finished(Result<R, any Error>)
    case deadline(passed: Bool)
}

/// Carries `modify`'s body into the child task that runs its transaction.
///
/// Unchecked Sendable is sound: `modify` creates the box inside `withoutActuallyEscaping`, hands it
/// to exactly one child task and awaits that task (`withOperationDeadline` returns only once its
/// group is empty) before the body's scope ends; the body is called at most once, by that child,
/// while `modify`'s caller is suspended, so it never runs concurrently with its caller or outlives it.
final class BodyBox<Argument, Result>: @unchecked Sendable {
    let body: (inout Argument) -> Result

    init(_ body: @escaping (inout Argument) -> Result) {
        self.body = body
    }
}
