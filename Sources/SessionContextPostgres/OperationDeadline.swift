import Synchronization

/// Runs `operation` in a task of its own and cancels it when `limit` passes; the result is the
/// operation's own, so a change that committed just as time ran out is reported as done, not lost.
/// An operation that fails after being cancelled by the deadline throws `OperationTimeout`.
///
/// Why a deadline at all: while the database is unreachable, postgres-nio's pool keeps a request
/// waiting for a connection until its circuit breaker trips (a minute); a cancelled wait ends at
/// once. A statement already running ends by the server's `statement_timeout` or the connection
/// closing, so after the deadline the operation gets `grace` more to end.
///
/// Why it may be abandoned: postgres-nio (1.33) can lease a connection whose channel closed that
/// instant (the server stopped); the statement written to it is dropped and the wait for its answer
/// never ends, cancelled or not. Such an operation, still running `grace` after its deadline, is
/// left behind (its task ends whenever it does) and the call throws `OperationTimeout` — unless
/// `abandonable()` says a closure of the caller's is running inside it (`GuardedBody`): that one is
/// waited for, `grace` at a time, as it is the caller's own code. An operation stuck after the
/// caller's closure ran (its COMMIT unanswered) is abandoned too, and its timeout says the change
/// may have been written: never waiting forever matters more than knowing. A parent's
/// cancellation cancels the operation and keeps the deadline, so a cancelled caller is never held
/// longer than an impatient one.
func withOperationDeadline<R: Sendable>(
    _ limit: Duration, grace: Duration = .seconds(2),
    abandonable: @escaping @Sendable () -> Abandonment = { .beforeTheChange },
    _ operation: @escaping @Sendable () async throws -> R
) async throws -> R {
    let race = OperationRace<R>()
    let work = Task {
        do {
            race.settle(.finished(.success(try await operation())))
        } catch {
            race.settle(.finished(.failure(error)))
        }
    }
    let timer = Task {
        do {
            try await Task.sleep(for: limit)
            race.markTimedOut()
            work.cancel()
            while !race.isSettled {
                try await Task.sleep(for: grace)
                switch abandonable() {
                case .no: continue
                case .beforeTheChange: race.settle(.abandoned(outcomeUnknown: false))
                case .afterTheChange: race.settle(.abandoned(outcomeUnknown: true))
                }
            }
        } catch {
            // Cancelled: the operation ended first.
        }
    }
    let (event, timedOut) = await withTaskCancellationHandler {
        await race.outcome()
    } onCancel: {
        work.cancel()
    }
    timer.cancel()
    switch event {
    case .finished(.success(let value)):
        return value
    case .finished(.failure(let error)):
        if timedOut { throw OperationTimeout(limit: limit) }
        throw error
    case .abandoned(let outcomeUnknown):
        throw OperationTimeout(limit: limit, outcomeUnknown: outcomeUnknown)
    }
}

/// Whether a `withOperationDeadline` operation past its deadline and grace may be left behind.
enum Abandonment: Sendable {
    /// No: a closure of the caller's runs inside it.
    case no
    /// Yes, and nothing of the caller's ran in it: nothing was changed.
    case beforeTheChange
    /// Yes, but the caller's closure ran: its change may have been written or not.
    case afterTheChange
}

/// What ends a `withOperationDeadline` call: the operation, or giving up on it.
private enum OperationEvent<R: Sendable>: Sendable {
    case finished(Result<R, any Error>)
    /// Given up after its grace; `outcomeUnknown` when the caller's closure had run in it.
    case abandoned(outcomeUnknown: Bool)
}

/// The first event of a `withOperationDeadline` call, handed to its caller once.
private final class OperationRace<R: Sendable>: Sendable {
    private struct State {
        var event: OperationEvent<R>?
        var waiter: CheckedContinuation<OperationEvent<R>, Never>?
        var timedOut = false
    }

    private let state = Mutex(State())

    /// Records `event` unless one came first, and hands it to the caller if it waits.
    func settle(_ event: OperationEvent<R>) {
        let waiter = state.withLock { state -> CheckedContinuation<OperationEvent<R>, Never>? in
            guard state.event == nil else { return nil }
            state.event = event
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: event)
    }

    /// The deadline passed (a failure after it is reported as a timeout).
    func markTimedOut() {
        state.withLock { $0.timedOut = true }
    }

    var isSettled: Bool { state.withLock { $0.event != nil } }

    /// Waits for the first event; whether the deadline had passed by then.
    func outcome() async -> (OperationEvent<R>, timedOut: Bool) {
        let event = await withCheckedContinuation { (continuation: CheckedContinuation<OperationEvent<R>, Never>) in
            let ready = state.withLock { state -> OperationEvent<R>? in
                if let event = state.event { return event }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return (event, state.withLock { $0.timedOut })
    }
}

/// A caller's closure run inside an operation that `withOperationDeadline` may abandon: it runs at
/// most once, and never after `seal()`. `abandonable()` seals it unless it is running — then an
/// abandoned operation can no longer call it (its transaction fails and rolls back), and the caller
/// may leave the scope the closure lives in. The caller seals it when the deadline call returns,
/// dropping the closure, so no task still holding the box keeps it alive.
///
/// Unchecked Sendable is sound: `body` is read only by the one `run` whose `enter()` moves the phase from
/// `.ready` to `.running` (that `run` keeps its own copy of the closure until `invoke` returns), and
/// cleared only by a `seal()` or `abandonable()` that finds the phase not `.running` — every read and
/// write of `body` is made under `phase`'s lock, so no two ever touch it at once; the box's
/// owner creates it inside `withoutActuallyEscaping` and seals it before that scope ends, and a
/// sealed box no longer references the closure.
final class GuardedBody<Body>: @unchecked Sendable {
    private enum Phase {
        case ready, running, done, sealed
    }

    private let phase = Mutex(Phase.ready)
    private var body: Body?

    init(_ body: Body) {
        self.body = body
    }

    /// Calls the closure (its one call) through `invoke`, which must not keep it: once this returns
    /// nothing of the operation's holds the closure, so the operation may be abandoned from then on
    /// (a COMMIT never answered) without the closure escaping its caller's scope. Throws
    /// `AbandonedOperation` once sealed.
    func run<R>(_ invoke: (Body) throws -> R) throws -> R {
        let body = try enter()
        defer { exit() }
        return try invoke(body)
    }

    /// `run` for a closure called asynchronously.
    func run<R>(_ invoke: (Body) async throws -> R) async throws -> R {
        let body = try enter()
        defer { exit() }
        return try await invoke(body)
    }

    private func enter() throws -> Body {
        try phase.withLock { phase in
            guard phase == .ready, let body else { throw AbandonedOperation() }
            phase = .running
            return body
        }
    }

    private func exit() {
        phase.withLock { $0 = .done }
    }

    /// Seals the box unless its closure runs: whether the operation may be abandoned, and whether
    /// the closure had run in it (its change may then have been written).
    func abandonable() -> Abandonment {
        phase.withLock { phase in
            let verdict: Abandonment
            switch phase {
            case .running: return .no
            case .done: verdict = .afterTheChange
            case .ready, .sealed: verdict = .beforeTheChange
            }
            phase = .sealed
            body = nil
            return verdict
        }
    }

    /// Drops the closure for good (its owner leaves the closure's scope): nothing calls it afterwards.
    func seal() {
        phase.withLock { phase in
            phase = .sealed
            body = nil
        }
    }
}

/// An abandoned operation reached the caller's closure after its caller had given up on it.
struct AbandonedOperation: Error, CustomStringConvertible {
    var description: String { "the operation was abandoned after its deadline" }
}
