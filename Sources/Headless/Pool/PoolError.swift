/// Why a lease could not be served; the server maps these to JSON-RPC codes in one place.
public enum PoolError: Error, Sendable, Equatable {
    /// The queue is full: try again after `retryAfterMs` (SPEC -32006).
    case overloaded(queueLength: Int, retryAfterMs: Int)
    /// The deadline (or `checkoutTimeout`) passed while waiting in the queue.
    case queueTimeout(waitedMs: Int)
    /// The lease's browser died while the lease was in use (SPEC -32008).
    case browserCrashed(browser: BrowserID)
    /// The pool is shutting down and takes no new leases.
    case shuttingDown
    /// No browser could be started (the message says why, e.g. the missing apt package).
    case launchFailed(String)
    /// A context could not be opened for the lease, even after `maxRetries` attempts.
    case leaseFailed(browser: BrowserID, reason: String)
}

extension PoolError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .overloaded(let queueLength, let retryAfterMs):
            "browser pool overloaded (\(queueLength) queued); retry after \(retryAfterMs) ms"
        case .queueTimeout(let waitedMs):
            "no browser context became free within \(waitedMs) ms"
        case .browserCrashed(let browser):
            "\(browser) crashed during the lease"
        case .shuttingDown:
            "the browser pool is shutting down"
        case .launchFailed(let message):
            "no browser could be started: \(message)"
        case .leaseFailed(let browser, let reason):
            "could not open a browser context on \(browser): \(reason)"
        }
    }
}
