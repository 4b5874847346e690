import Headless
import RenderTypes
import SessionContext
import Synchronization

/// The contexts of one call of a keep_warm session: the session's kept context when it can serve the
/// call (then the render skips restoring state), else a fresh held lease. The lease the call used is
/// kept afterwards by `finish(inSync:cookies:localStorage:proxy:)`; a failed attempt gives its lease
/// back at once, so a retry after a crash starts on a fresh, restored context.
final class WarmContextProvider: ContextProvider {
    let warm: WarmContexts
    let sessionID: SessionID
    /// The session as loaded for this call (its stored cookies and localStorage).
    let session: RpcSessionContext
    /// The call's page settings: a kept page with others is replaced by a fresh one.
    let settings: PageSettings
    private let used = Mutex<(held: HeldLease, page: ContextReuse)?>(nil)

    init(warm: WarmContexts, sessionID: SessionID, session: RpcSessionContext, settings: PageSettings) {
        self.warm = warm
        self.sessionID = sessionID
        self.session = session
        self.settings = settings
    }

    func withContext<T: Sendable>(
        priority: RenderPriority, deadline: ContinuousClock.Instant, proxy: ProxyConfig?,
        _ body: (LeasedContext) async throws -> T
    ) async throws -> T {
        let pool = warm.pool
        let asked = ContinuousClock.now
        let kept = await warm.take(sessionID, session: session, proxy: proxy, settings: settings)
        // Readying a kept context (waiting for its page's reset, a fresh page for other settings) is
        // lease work, as creating a context is.
        let readying = ContinuousClock.now - asked
        let held: HeldLease
        if let kept {
            held = kept
        } else {
            do {
                held = try await pool.checkout(priority: priority, deadline: deadline, options: LeaseOptions(proxy: proxy))
            } catch let error as PoolError {
                throw ContextProviderError(error)
            }
        }
        let reuse = ContextReuse(.keepState)
        let context = LeasedContext(
            page: held.page, browserContextId: held.browserContextId, browserUserAgent: held.browserUserAgent,
            queueDuration: kept == nil ? held.queueDuration : .zero,
            acquireDuration: kept == nil ? held.acquireDuration : readying,
            holdsState: kept != nil, egress: held.egress, reuse: reuse
        )
        do {
            let result = try await body(context)
            used.withLock { $0 = (held, reuse) }
            return result
        } catch {
            if pool.checkin(held) == .crashed, !(error is RenderError) {
                throw ContextProviderError.browserCrashed("\(held.browser) crashed")
            }
            throw error
        }
    }

    /// After the call: keeps its context for the session when `inSync` (the session stored exactly
    /// the state the context holds, `cookies` and `localStorage`), else gives it back.
    func finish(inSync: Bool, cookies: [Cookie], localStorage: LocalStorageContents, proxy: ProxyConfig?) {
        guard let (held, page) = used.withLock({ $0.take() }) else { return }
        if inSync {
            warm.keep(sessionID, held, cookies: cookies, localStorage: localStorage, proxy: proxy, page: page.result, settings: settings)
        } else {
            warm.pool.checkin(held)
        }
    }

    /// After a failed call: the context (if a body succeeded before the failure) goes back.
    func abandon() {
        if let (held, _) = used.withLock({ $0.take() }) { warm.pool.checkin(held) }
    }
}
