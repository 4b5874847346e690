import Headless
import Logging
import RenderTypes
import SessionContext
import Synchronization

/// The browser contexts keep_warm sessions keep between their calls: held leases of the pool
/// (`BrowserPool.checkout`), parked while the session is idle. After each call the page is kept (its
/// renderer process too): in the background the call's own page settings are undone and the page
/// moves to a blank document of its origin, so the next call starts where the session left off —
/// context and page state alike — and skips restoring anything. A page that cannot be kept so is
/// replaced by a fresh one in the same context.
///
/// A kept context is used again only when nothing changed behind its back: the pool has not taken it
/// back (a queue formed, it idled past the pool's `idle_timeout`, its browser drained or crashed), the
/// call asks for the same proxy, and the session's stored cookies and localStorage are still the ones
/// the context holds (a `cookies.*` call in between means a fresh, restored context). A kept page
/// carries the emulation overrides of the call that left it (`PageSettings`): a call with other
/// settings gets a fresh page in the kept context, so it never shows the last call's persona.
final class WarmContexts: Sendable {
    struct Entry: Sendable {
        let held: HeldLease
        /// Readies the page for the next call: the kept one reset, or a fresh one.
        let renewal: Task<Renewal, Never>
        /// The settings whose overrides the kept page carries.
        let settings: PageSettings?
        /// What the session stored after the call that kept the context: what the context holds.
        let cookies: [Cookie]
        let localStorage: LocalStorageContents
        let proxy: ProxyConfig?
    }

    /// How a kept context's page was readied for the next call.
    enum Renewal: Sendable {
        /// The call's page, its own settings undone; it carries the call's overrides.
        case kept
        /// A fresh page: no overrides.
        case fresh
        /// No page could be readied: the context is not used again.
        case failed
    }

    let pool: BrowserPool
    let logger: Logger
    private let entries = Mutex<[SessionID: Entry]>([:])

    init(pool: BrowserPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// Sessions with a context kept now.
    var count: Int { entries.withLock { $0.count } }

    /// The session's kept context, taken for a call, when it can serve `session` as stored now with
    /// `proxy`; else any kept context is given back to the pool and nil is returned. A kept page that
    /// carries other `settings` than the call's is replaced by a fresh one first.
    func take(_ id: SessionID, session: RpcSessionContext, proxy: ProxyConfig?, settings: PageSettings) async -> HeldLease? {
        guard let taken = await take(id, session: session, proxy: { $0 == proxy }) else { return nil }
        guard taken.settings != nil, taken.settings != settings else { return taken.held }
        do throws(CDPError) {
            try await pool.renewPage(taken.held)
            return taken.held
        } catch {
            logger.debug("warm page not renewed for other settings", metadata: ["session_id": "\(id)", "error": "\(error)"])
            pool.checkin(taken.held)
            return nil
        }
    }

    /// The session's kept context for a live view, with the proxy it was kept with (the view shows the
    /// session through it, answering its challenges with the proxy's credentials) and the settings
    /// whose overrides its page carries (the view shows the page as the last call left it), when it
    /// can serve `session` as stored now; else nil, any kept context given back to the pool.
    func takeForView(_ id: SessionID, session: RpcSessionContext) async
        -> (held: HeldLease, proxy: ProxyConfig?, settings: PageSettings?)?
    {
        await take(id, session: session) { _ in true }
    }

    private func take(_ id: SessionID, session: RpcSessionContext, proxy accepted: (ProxyConfig?) -> Bool) async
        -> (held: HeldLease, proxy: ProxyConfig?, settings: PageSettings?)?
    {
        guard let entry = entries.withLock({ $0.removeValue(forKey: id) }) else { return nil }
        let renewal = await entry.renewal.value
        guard renewal != .failed, accepted(entry.proxy), entry.cookies == session.cookies,
            entry.localStorage == session.localStorage, entry.held.page.closeReason == nil, pool.unpark(entry.held)
        else {
            pool.checkin(entry.held)
            return nil
        }
        return (entry.held, entry.proxy, renewal == .kept ? entry.settings : nil)
    }

    /// Keeps `held` for the session after a successful call whose state the session stored as
    /// `cookies` and `localStorage` (what the context holds now). The page is renewed in the
    /// background. When the pool needs the slot, it is given back instead.
    ///
    /// `page` says how the call left its page: when the render allows (`.resettable`), the page is
    /// kept — its renderer process with it — and only the call's own settings are undone (init
    /// scripts, headers, script switch, interception) while it moves to a blank document of its
    /// origin; otherwise, or when that fails, the context gets a fresh page. `settings` are the
    /// overrides the page carries (nil: none).
    func keep(
        _ id: SessionID, _ held: HeldLease, cookies: [Cookie], localStorage: LocalStorageContents, proxy: ProxyConfig?,
        page: ContextReuse.Outcome?, settings: PageSettings?
    ) {
        guard pool.park(held) else {
            logger.debug("warm context taken back by the pool", metadata: ["session_id": "\(id)"])
            return
        }
        let pool = self.pool
        let logger = self.logger
        let renewal = Task { () -> Renewal in
            if case .resettable(let origin, _, let scripts)? = page {
                do {
                    try await Page.with(session: held.page, browserContextId: held.browserContextId, logger: logger) { page in
                        try await page.resetForReuse(
                            origin: origin, initScripts: scripts, timeout: RecycledContexts.resetTimeout)
                    }
                    return .kept
                } catch {
                    logger.debug("warm page not kept; renewing it", metadata: ["session_id": "\(id)", "error": "\(error)"])
                }
            }
            do throws(CDPError) {
                try await pool.renewPage(held)
                return .fresh
            } catch {
                return .failed
            }
        }
        let entry = Entry(
            held: held, renewal: renewal, settings: settings, cookies: cookies, localStorage: localStorage, proxy: proxy)
        let replaced = entries.withLock { entries in
            // Entries whose context the pool took back meanwhile are only a handle: drop them.
            entries = entries.filter { $0.value.held.isHeld }
            return entries.updateValue(entry, forKey: id)
        }
        if let replaced { give(replaced) }
    }

    /// Gives back the session's kept context (the session ended, or its call failed).
    func release(_ id: SessionID) {
        if let entry = entries.withLock({ $0.removeValue(forKey: id) }) { give(entry) }
    }

    /// Gives back every kept context (the server stops).
    func releaseAll() {
        let all = entries.withLock { entries in
            defer { entries.removeAll() }
            return Array(entries.values)
        }
        for entry in all { give(entry) }
    }

    private func give(_ entry: Entry) {
        entry.renewal.cancel()
        pool.checkin(entry.held)
    }
}
