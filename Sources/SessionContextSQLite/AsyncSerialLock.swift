import SessionContext
import Synchronization

/// A FIFO lock held across suspension points: whoever holds it runs alone, even while awaiting.
/// The SQLite backend holds it for a whole transaction, so two transactions never interleave on
/// its one connection (an actor would not do: it is re-entered at every `await`).
final class AsyncSerialLock: Sendable {
    private struct State {
        var isLocked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0

        mutating func popWaiter() -> CheckedContinuation<Void, Never>? {
            guard head < waiters.count else { return nil }
            let next = waiters[head]
            head += 1
            if head == waiters.count {
                waiters.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64, head * 2 >= waiters.count {
                waiters.removeFirst(head)
                head = 0
            }
            return next
        }
    }

    private let state = Mutex(State())

    /// Runs `body` while holding the lock. Waiting is not cancellable: it lasts only as long as the
    /// transactions queued before (each bounded by SQLite's busy timeout).
    func withLock<R>(_ body: () async throws(SessionError) -> R) async throws(SessionError) -> R {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        let acquired = state.withLock { state in
            if state.isLocked { return false }
            state.isLocked = true
            return true
        }
        if acquired { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquiredMeanwhile = state.withLock { state in
                if !state.isLocked {
                    state.isLocked = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquiredMeanwhile { continuation.resume() }
        }
    }

    /// Hands the lock straight to the oldest waiter (it stays locked), or unlocks when none waits.
    private func release() {
        let next = state.withLock { state in
            let next = state.popWaiter()
            if next == nil { state.isLocked = false }
            return next
        }
        next?.resume()
    }
}
