public import RenderTypes

/// The pool lends its leases to the executor: a lease is a fresh isolated context with its one page.
extension BrowserPool: ContextProvider {
    public func withContext<T: Sendable>(
        priority: RenderPriority, deadline: ContinuousClock.Instant, proxy: ProxyConfig?,
        _ body: (LeasedContext) async throws -> T
    ) async throws -> T {
        do {
            return try await withLease(priority: priority, deadline: deadline, options: LeaseOptions(proxy: proxy)) { lease in
                try await body(
                    LeasedContext(
                        page: lease.page, browserContextId: lease.browserContextId, browserUserAgent: lease.browserUserAgent,
                        queueDuration: lease.queueDuration, acquireDuration: lease.acquireDuration, egress: lease.egress
                    )
                )
            }
        } catch let error as PoolError {
            throw ContextProviderError(error)
        }
    }
}

extension ContextProviderError {
    /// The provider error a pool failure means for a render.
    public init(_ error: PoolError) {
        switch error {
        case .overloaded(let queueLength, let retryAfterMs): self = .overloaded(queueLength: queueLength, retryAfterMs: retryAfterMs)
        case .queueTimeout(let waitedMs): self = .queueTimeout(waitedMs: waitedMs)
        case .browserCrashed(let browser): self = .browserCrashed("\(browser) crashed")
        case .shuttingDown, .launchFailed, .leaseFailed: self = .unavailable("\(error)")
        }
    }
}
