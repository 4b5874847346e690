import Foundation
import Synchronization

/// Lets long requests (`/hang`, `/slow`) end the moment the server stops, so a graceful shutdown never
/// waits for them; each waiter also gives up after its own limit and on task cancellation.
final class StopSignal: Sendable {
    private struct State {
        var stopped = false
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }
    private let state = Mutex(State())

    /// Returns after `limit`, when the signal fires, or when the task is cancelled, whichever comes first;
    /// true when the signal fired.
    @discardableResult
    func wait(upTo limit: Duration) async -> Bool {
        await withTimeLimit(limit, otherwise: false) { await self.waitForSignal() }
    }

    /// Wakes every waiter, now and later.
    func fire() {
        let waiters = state.withLock { s in
            s.stopped = true
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    private func waitForSignal() async -> Bool {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s in
                    if s.stopped || Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
        return state.withLock { $0.stopped }
    }
}
