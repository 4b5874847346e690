import Synchronization

/// An async mutual-exclusion lock per key: bodies for one key run one at a time, first come first
/// served; bodies for different keys run in parallel. Waiting is bounded by a deadline and by the
/// number of waiters per key, and ends at once when the waiting task is cancelled. Keys without
/// holder or waiters take no memory.
final class KeyedLock<Key: Hashable & Sendable>: Sendable {
    /// Why a body did not get the lock.
    enum Refusal: Error, Sendable, Hashable {
        /// The deadline passed while waiting.
        case timedOut
        /// `maxWaiters` callers already wait for this key.
        case tooManyWaiters(waiting: Int)
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct Entry {
        /// Waiters in arrival order; the holder is not among them.
        var waiters: [Waiter] = []
    }

    /// Keys with a holder (and maybe waiters).
    private let entries = Mutex<[Key: Entry]>([:])
    private let nextWaiter = Atomic<UInt64>(1)
    /// Most callers waiting for one key at once.
    let maxWaiters: Int

    init(maxWaiters: Int = 256) {
        precondition(maxWaiters > 0, "a keyed lock needs room for at least one waiter")
        self.maxWaiters = maxWaiters
    }

    /// Runs `body` holding the lock for `key`, waiting at most until `deadline` for it. Throws
    /// `Refusal` when the lock was not had, `CancellationError` when cancelled while waiting, else
    /// what `body` throws. The lock is released however `body` ends.
    func withLock<T: Sendable>(
        _ key: Key, deadline: ContinuousClock.Instant, _ body: () async throws -> T
    ) async throws -> T {
        try await acquire(key, deadline: deadline)
        defer { release(key) }
        return try await body()
    }

    /// How many callers wait for `key` now (the holder not counted).
    func waiting(for key: Key) -> Int {
        entries.withLock { $0[key]?.waiters.count ?? 0 }
    }

    private enum Fast { case acquired, wait, refused(Refusal) }

    private func acquire(_ key: Key, deadline: ContinuousClock.Instant) async throws {
        let fast: Fast = entries.withLock { entries in
            guard let entry = entries[key] else {
                entries[key] = Entry()
                return .acquired
            }
            return entry.waiters.count >= maxWaiters ? .refused(.tooManyWaiters(waiting: entry.waiters.count)) : .wait
        }
        switch fast {
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
                let immediate: Bool? = entries.withLock { entries in
                    guard var entry = entries[key] else {
                        // Released while we got here: take it.
                        entries[key] = Entry()
                        return true
                    }
                    if Task.isCancelled { return false }
                    entry.waiters.append(Waiter(id: id, continuation: continuation))
                    entries[key] = entry
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            abandon(key, waiter: id)
        }
        guard granted else {
            try Task.checkCancellation()
            throw Refusal.timedOut
        }
    }

    /// Hands the lock to the next waiter, or frees the key.
    private func release(_ key: Key) {
        let next: Waiter? = entries.withLock { entries in
            guard var entry = entries[key] else { return nil }
            guard !entry.waiters.isEmpty else {
                entries[key] = nil
                return nil
            }
            let next = entry.waiters.removeFirst()
            entries[key] = entry
            return next
        }
        next?.continuation.resume(returning: true)
    }

    /// Takes a waiter out of the queue (deadline or cancellation) and tells it it did not get the lock.
    private func abandon(_ key: Key, waiter id: UInt64) {
        let removed: Waiter? = entries.withLock { entries in
            guard var entry = entries[key], let index = entry.waiters.firstIndex(where: { $0.id == id }) else {
                return nil
            }
            let waiter = entry.waiters.remove(at: index)
            entries[key] = entry
            return waiter
        }
        removed?.continuation.resume(returning: false)
    }
}
