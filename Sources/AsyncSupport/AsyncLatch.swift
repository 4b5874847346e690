import Synchronization

/// A value set once that any number of tasks can await, with a timeout; waiting is cancellable
/// (a cancelled waiter gets nil) and never blocks a thread. `AsyncLatch<Void>` is a one-shot signal.
public final class AsyncLatch<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [UInt64: CheckedContinuation<Value?, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The value, if it has been set.
    public var current: Value? { state.withLock { $0.value } }

    /// Sets the value and wakes every waiter. Later calls are ignored; returns whether this call set it.
    @discardableResult
    public func resolve(_ value: Value) -> Bool {
        let waiters: [CheckedContinuation<Value?, Never>]? = state.withLock { state in
            guard state.value == nil else { return nil }
            state.value = value
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(returning: value) }
        return true
    }

    /// Waits for the value; nil if the calling task is cancelled first.
    public func wait() async -> Value? {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let ready: Value?? = state.withLock { state in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits at most `timeout` for the value; nil on timeout or cancellation.
    public func wait(timeout: Duration) async -> Value? {
        if let value = current { return value }
        return await withTimeLimit(timeout, otherwise: nil) { await self.wait() } ?? current
    }
}
