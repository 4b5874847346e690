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
