/// Handle of a periodic cleanup started by `RpcSessionStore.startCleanupTask(interval:onPass:)`.
/// Dropping the handle does not stop the task; `stop()` or releasing the store does.
public final class SessionCleanupTask: Sendable {
    private let task: Task<Void, Never>

    init(task: Task<Void, Never>) {
        self.task = task
    }

    /// Stops the task after its current pass, if any.
    public func stop() {
        task.cancel()
    }

    /// Stops the task and waits until it has finished.
    public func stopAndWait() async {
        task.cancel()
        await task.value
    }

    /// Waits until the task has finished (after `stop()`, or once the store is released).
    public func waitUntilFinished() async {
        await task.value
    }

    /// Whether `stop()` was called (or the store was closed or released).
    public var isStopped: Bool { task.isCancelled }
}
