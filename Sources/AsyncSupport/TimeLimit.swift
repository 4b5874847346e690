/// `operation`'s value, or `fallback` when `limit` passes first (the operation is then cancelled,
/// and awaited: it must end promptly on cancellation).
public func withTimeLimit<T: Sendable>(
    _ limit: Duration, otherwise fallback: T, _ operation: @escaping @Sendable () async -> T
) async -> T {
    await withTaskGroup(of: T.self) { group in
        group.addTask { await operation() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return fallback
        }
        let first = await group.next() ?? fallback
        group.cancelAll()
        return first
    }
}

/// Runs `operation` to completion even if the calling task is cancelled (cleanup that must finish:
/// closing a browser, reaping a process). The caller still waits for it.
public func withoutCancellation<T: Sendable>(_ operation: sending @escaping @isolated(any) () async -> T) async -> T {
    await Task(operation: operation).value
}
