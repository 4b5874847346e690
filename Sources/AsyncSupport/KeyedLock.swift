import Synchronization

/// Why a bounded waiter did not get a `KeyedLock` or `SerialLock`.
public enum LockRefusal: Error, Sendable, Hashable {
    /// The deadline passed while waiting.
    case timedOut
    /// `maxWaiters` callers already wait for this key.
    case tooManyWaiters(waiting: Int)
}

/// An async mutual-exclusion lock per key: bodies for one key run one at a time, first come first
/// served; bodies for different keys run in parallel. Keys without holder or waiters take no memory.
///
/// Two ways to wait: `withLock(_:deadline:_:)` is bounded by a deadline and by the number of waiters
/// per key, and ends at once when the waiting task is cancelled (a render waiting for its session);
/// `withLockInTurn(_:_:)` waits its turn however long it takes and is not cancellable, for holders that
/// each finish in bounded time (a database transaction on one connection).
public final class KeyedLock<Key: Hashable & Sendable>: Sendable {
    /// Why a body did not get the lock.
    public typealias Refusal = LockRefusal

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    /// The waiters of one held key in arrival order (the holder is not among them). Taking the first
    /// moves `head` instead of shifting the array, so a long queue costs O(1) per hand-over.
    private struct Entry {
        private var waiters: [Waiter] = []
        private var head = 0

        var count: Int { waiters.count - head }

        mutating func append(_ waiter: Waiter) {
            waiters.append(waiter)
        }

        mutating func popFirst() -> Waiter? {
            guard head < waiters.count else { return nil }
            let first = waiters[head]
            head += 1
            if head == waiters.count {
                waiters.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64, head * 2 >= waiters.count {
                waiters.removeFirst(head)
                head = 0
            }
            return first
        }

        mutating func remove(id: UInt64) -> Waiter? {
            guard let index = waiters[head...].firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index)
        }
    }

    /// Keys with a holder (and maybe waiters).
    private let entries = Mutex<[Key: Entry]>([:])
    private let nextWaiter = Atomic<UInt64>(1)
    /// Most callers waiting for one key at once in `withLock(_:deadline:_:)`.
    public let maxWaiters: Int

    /// A lock refusing a bounded waiter when `maxWaiters` already wait for its key.
    public init(maxWaiters: Int = 256) {
        precondition(maxWaiters > 0, "a keyed lock needs room for at least one waiter")
        self.maxWaiters = maxWaiters
    }

    /// Runs `body` holding the lock for `key`, waiting at most until `deadline` for it. Throws
    /// `Refusal` when the lock was not had, `CancellationError` when cancelled while waiting, else
    /// what `body` throws. The lock is released however `body` ends.
    public func withLock<T>(
        _ key: Key, deadline: ContinuousClock.Instant, _ body: () async throws -> T
    ) async throws -> T {
        try await acquire(key, deadline: deadline)
        defer { release(key) }
        return try await body()
    }

    /// Runs `body` holding the lock for `key` once every caller before it is done: never refused and
    /// not cancellable, so use it only where each holder finishes in bounded time.
    public func withLockInTurn<T, E: Error>(_ key: Key, _ body: () async throws(E) -> T) async throws(E) -> T {
        await acquireInTurn(key)
        defer { release(key) }
        return try await body()
    }

    /// How many callers wait for `key` now (the holder not counted).
    public func waiting(for key: Key) -> Int {
        entries.withLock { $0[key]?.count ?? 0 }
    }

    // MARK: Acquiring

    private enum Fast { case acquired, wait, refused(Refusal) }

    /// Takes a free key at once; else says whether there is room to wait (`bounded`: within `maxWaiters`).
    private func tryAcquire(_ key: Key, bounded: Bool) -> Fast {
        entries.withLock { entries in
            guard let entry = entries[key] else {
                entries[key] = Entry()
                return .acquired
            }
            return bounded && entry.count >= maxWaiters ? .refused(.tooManyWaiters(waiting: entry.count)) : .wait
        }
    }

    /// Queues `continuation` behind the holder of `key`; resumes it at once with true when the key was
    /// released meanwhile, with false when the task is already cancelled (`cancellable` only).
    private func enqueue(_ key: Key, id: UInt64, cancellable: Bool, _ continuation: CheckedContinuation<Bool, Never>) {
        let immediate: Bool? = entries.withLock { entries in
            guard var entry = entries[key] else {
                // Released while we got here: take it.
                entries[key] = Entry()
                return true
            }
            if cancellable, Task.isCancelled { return false }
            entry.append(Waiter(id: id, continuation: continuation))
            entries[key] = entry
            return nil
        }
        if let immediate { continuation.resume(returning: immediate) }
    }

    private func acquire(_ key: Key, deadline: ContinuousClock.Instant) async throws {
        switch tryAcquire(key, bounded: true) {
        case .acquired: return
        case .refused(let refusal): throw refusal
        case .wait: break
        }
        guard deadline > .now else { throw Refusal.timedOut }
        let id = nextWaiter.wrappingAdd(1, ordering: .relaxed).oldValue
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            if !Task.isCancelled { self?.abandon(key, waiter: id) }
        }
        defer { timer.cancel() }
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                enqueue(key, id: id, cancellable: true, continuation)
            }
        } onCancel: {
            abandon(key, waiter: id)
        }
        guard granted else {
            try Task.checkCancellation()
            throw Refusal.timedOut
        }
    }

    private func acquireInTurn(_ key: Key) async {
        guard case .wait = tryAcquire(key, bounded: false) else { return }
        let id = nextWaiter.wrappingAdd(1, ordering: .relaxed).oldValue
        // Nobody abandons an in-turn waiter, so it is only ever resumed with true.
        _ = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            enqueue(key, id: id, cancellable: false, continuation)
        }
    }

    // MARK: Releasing

    /// Hands the lock to the next waiter, or frees the key.
    private func release(_ key: Key) {
        let next: Waiter? = entries.withLock { entries in
            guard var entry = entries[key] else { return nil }
            guard let next = entry.popFirst() else {
                entries[key] = nil
                return nil
            }
            entries[key] = entry
            return next
        }
        next?.continuation.resume(returning: true)
    }

    /// Takes a waiter out of the queue (deadline or cancellation) and tells it it did not get the lock.
    private func abandon(_ key: Key, waiter id: UInt64) {
        let removed: Waiter? = entries.withLock { entries in
            guard var entry = entries[key], let waiter = entry.remove(id: id) else { return nil }
            entries[key] = entry
            return waiter
        }
        removed?.continuation.resume(returning: false)
    }
}
