/// The one-key case of `KeyedLock`: a FIFO lock held across suspension points, so whoever holds it
/// runs alone even while awaiting (an actor would not do: it is re-entered at every `await`).
/// The SQLite backend holds it for a whole transaction on its one connection; the session cap holds
/// it while it counts and creates.
public struct SerialLock: Sendable {
    private let lock: KeyedLock<Bool>

    /// A lock refusing a bounded waiter when `maxWaiters` already wait.
    public init(maxWaiters: Int = 256) {
        lock = KeyedLock(maxWaiters: maxWaiters)
    }

    /// Runs `body` holding the lock, waiting at most until `deadline`; throws `LockRefusal`
    /// when the lock was not had, `CancellationError` when cancelled while waiting, else what `body` throws.
    public func withLock<T>(deadline: ContinuousClock.Instant, _ body: () async throws -> T) async throws -> T {
        try await lock.withLock(true, deadline: deadline, body)
    }

    /// Runs `body` holding the lock once every caller before it is done (never refused, not cancellable).
    public func withLockInTurn<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        try await lock.withLockInTurn(true, body)
    }

    /// How many callers wait now (the holder not counted).
    public var waiting: Int { lock.waiting(for: true) }
}
