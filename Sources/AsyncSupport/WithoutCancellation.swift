/// Runs `operation` to completion even if the calling task is cancelled (cleanup that must finish:
/// closing a browser, reaping a process). The caller still waits for it.
public func withoutCancellation<T: Sendable>(_ operation: sending @escaping @isolated(any) () async -> T) async -> T {
    await Task(operation: operation).value
}
