import Synchronization

/// Background tasks that must be waited for before their owner stops (hand-offs writing their
/// session back): each removes itself when done.
final class BackgroundTasks: Sendable {
    private struct State {
        var tasks: [UInt64: Task<Void, Never>] = [:]
        var next: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Runs `body` as a tracked task.
    func run(_ body: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            state.next += 1
            let key = state.next
            state.tasks[key] = Task { [self] in
                await body()
                self.state.withLock { _ = $0.tasks.removeValue(forKey: key) }
            }
        }
    }

    /// Waits until every task running now has ended.
    func waitForAll() async {
        let running = state.withLock { Array($0.tasks.values) }
        for task in running { await task.value }
    }
}
