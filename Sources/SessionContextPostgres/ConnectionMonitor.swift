import SessionContext
import Synchronization

/// Whether the backend's calls may go to the database, and the signal that sets the backend's
/// upkeep reconnecting: calls check `readiness` before touching the pool, so while the database is
/// unreachable they fail at once instead of each waiting out the operation timeout.
final class ConnectionMonitor: Sendable {
    enum Phase: Sendable {
        /// Not reached yet since the backend started; `attempt` failed with `lastError` (0: none yet).
        case connecting(attempt: Int, lastError: String?)
        /// Reachable and migrated: calls go to the database.
        case ready
        /// Lost while serving; the upkeep retries until it is reachable again.
        case reconnecting(attempt: Int, lastError: String)
        /// The database cannot be used by this build (its schema is newer); retrying will not help.
        case refused(String)
        /// `close()` was called.
        case closed
    }

    /// Where the database is, as errors name it.
    let location: String
    private let phase = Mutex(Phase.connecting(attempt: 0, lastError: nil))
    /// When a call last succeeded, in nanoseconds since `origin` (0: never).
    private let lastSuccess = Atomic<Int>(0)
    private let origin = ContinuousClock.now
    /// Yields when the upkeep must (re)connect: once at start, then on each loss.
    let reconnect: AsyncStream<Void>
    private let reconnectContinuation: AsyncStream<Void>.Continuation

    init(location: String) {
        self.location = location
        (reconnect, reconnectContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        reconnectContinuation.yield()
    }

    /// Success when calls may go to the database, else the error they fail with.
    var readiness: Result<Void, SessionError> {
        switch phase.withLock({ $0 }) {
        case .ready:
            .success(())
        case .connecting(_, nil):
            .failure(.unavailable("\(location) is not connected yet"))
        case .connecting(let attempt, let error?):
            .failure(.unavailable("\(location) is unreachable (attempt \(attempt): \(error)); retrying"))
        case .reconnecting(let attempt, let error):
            .failure(.unavailable("\(location) is unreachable (\(error)); reconnecting, attempt \(attempt)"))
        case .refused(let reason):
            .failure(.backend(reason))
        case .closed:
            .failure(.backend("the session database \(location) is closed"))
        }
    }

    /// Now, on the clock `succeeded` and `anySuccess` read (nanoseconds since the monitor was made).
    func instant() -> Int {
        let elapsed = (ContinuousClock.now - origin).components
        return Int(elapsed.seconds) * 1_000_000_000 + Int(elapsed.attoseconds / 1_000_000_000) + 1
    }

    /// A call went through.
    func succeeded() {
        lastSuccess.store(instant(), ordering: .relaxed)
    }

    /// Whether any call went through after `instant`.
    func anySuccess(since instant: Int) -> Bool {
        lastSuccess.load(ordering: .relaxed) > instant
    }

    /// Attempt `attempt` to reach the database failed with `error` (nothing changes once closed or refused).
    func failed(attempt: Int, _ error: String) {
        phase.withLock { phase in
            switch phase {
            case .connecting: phase = .connecting(attempt: attempt, lastError: error)
            case .reconnecting, .ready: phase = .reconnecting(attempt: attempt, lastError: error)
            case .refused, .closed: break
            }
        }
    }

    /// The database is reachable and migrated.
    func ready() {
        phase.withLock { phase in
            if case .closed = phase { return }
            phase = .ready
        }
    }

    /// The database refuses this build for good (`reason` says why).
    func refuse(_ reason: String) {
        phase.withLock { phase in
            if case .closed = phase { return }
            phase = .refused(reason)
        }
    }

    /// A call found the database unreachable: calls stop going to it and the upkeep reconnects.
    /// Returns whether this was news (the backend was ready), so the loss is logged once.
    func lost(_ reason: String) -> Bool {
        let news = phase.withLock { phase in
            guard case .ready = phase else { return false }
            phase = .reconnecting(attempt: 0, lastError: reason)
            return true
        }
        if news { reconnectContinuation.yield() }
        return news
    }

    /// Marks the backend closed and ends the reconnect signals; false when it already was.
    func close() -> Bool {
        let wasOpen = phase.withLock { phase in
            if case .closed = phase { return false }
            phase = .closed
            return true
        }
        if wasOpen { reconnectContinuation.finish() }
        return wasOpen
    }

    /// Returns once `readiness` is a success; throws its error when `timeout` passes first or at
    /// once when the backend is closed or refused. Polls: it waits only while a backend starts.
    func waitUntilReady(timeout: Duration) async throws(SessionError) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let current = readiness
            switch (current, phase.withLock { $0 }) {
            case (.success, _): return
            case (.failure(let error), .refused), (.failure(let error), .closed): throw error
            case (.failure(let error), _):
                guard ContinuousClock.now < deadline else { throw error }
            }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                throw .unavailable("\(location): gave up waiting for it (cancelled)")
            }
        }
    }
}
