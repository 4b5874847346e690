import Headless
import Logging
import Synchronization

/// The proxy credentials of a live view's context — a keep_warm context kept with a proxy that asks
/// for them, through which the view shows the session as its renders see it — and the tasks that
/// answer the proxy's challenges on the view's pages (the session's page and each window it opens).
/// Stopped when the view ends, before its page is reset or its context goes back.
final class LiveProxyAuth: Sendable {
    private let username: String
    private let password: String
    private let logger: Logger
    private let tasks = Mutex<(running: [Task<Void, Never>], stopped: Bool)>(([], false))

    init(username: String, password: String, logger: Logger) {
        self.username = username
        self.password = password
        self.logger = logger
    }

    /// Answers the challenges on `page` from now on (its requests pause and go on at once).
    func answer(on page: CDPSession) async throws(CDPError) {
        let task = try await ProxyAuthAnswers.start(
            on: page, username: username, password: password, logger: logger, timeout: .seconds(10))
        let kept = tasks.withLock { state in
            guard !state.stopped else { return false }
            // A closed window's task ended with its page; its handle stays until the view ends (a
            // few hundred bytes per window the page opened during the view's TTL).
            state.running.append(task)
            return true
        }
        if !kept { task.cancel() }
    }

    /// Stops answering (every page's task ended when this returns).
    func stop() async {
        let running = tasks.withLock { state in
            state.stopped = true
            defer { state.running = [] }
            return state.running
        }
        for task in running {
            task.cancel()
            await task.value
        }
    }
}
