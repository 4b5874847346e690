import AsyncSupport
import Foundation
import Headless
import Logging
import RenderTypes
public import SessionContext

extension RenderService {
    /// What `live.create` answers besides the URL (which the protocol layer builds from the token).
    public struct LiveGrant: Sendable {
        public let view: LiveView
        /// The view's TTL after clamping to the session's remaining life, in seconds.
        public let ttlSeconds: Int
    }

    /// Opens a live view of session `id` for the viewer holding the token whose hash is `tokenHash`:
    /// a browser context of the pool on the session's last URL — in control mode the session's
    /// keep_warm context when it has one, else a fresh context with the session's cookies and
    /// localStorage restored; for a session with a profile, a page of the profile's own browser
    /// (its state is in the profile's directory; the session's cookies go on top, as for its
    /// renders). In control mode the session is held (renders and cookie changes refused, on every
    /// node) and its state is written back when the view ends, like a render's; in view mode nothing
    /// is held or written back. The view lasts `ttlSeconds` (default 300, at most 900, clamped to the
    /// session's remaining life) unless it ends earlier. Live views and `session.connect`'s
    /// hand-offs run at most `max_cdp_browsers` at once together.
    ///
    /// In a cluster a profile lives on the node that owns its session: while that node is alive a
    /// call for such a session elsewhere throws `RenderingError.ownedElsewhere` (the RPC layer
    /// forwards it, once: `forwardedBy`); with the owner gone, this node takes the session over.
    public func createLive(_ id: SessionID, mode: LiveMode, ttlSeconds: Int?, tokenHash: String, forwardedBy: String? = nil)
        async throws -> LiveGrant
    {
        let (session, ttl) = try await handoffSession(id, ttlSeconds: ttlSeconds, maxTTL: 900, holding: mode == .control)
        let claiming = try await profilePlacement(of: session, id, forwardedBy: forwardedBy)
        guard lives.running(of: id).count < LiveViews.maxPerSession else {
            throw RenderingError.handoffUnavailable(
                reason: "session \(id) has \(LiveViews.maxPerSession) live views already: revoke one (live.revoke)", retryAfterMs: 1000)
        }
        let liveID = newLiveID()
        let endsAt = ContinuousClock.now + .seconds(ttl)
        let expiresAt = Date().addingTimeInterval(TimeInterval(ttl))
        let open: @Sendable (RpcSessionContext, (held: HeldLease, proxy: ProxyConfig?)?) async throws -> LiveView = { [self] session, warm in
            try await openLive(session, warm: warm, id: id, liveID: liveID, mode: mode, expiresAt: expiresAt)
        }
        let view: LiveView
        switch mode {
        case .control:
            view = try await startHandoff(id, holding: .liveControl, endsAt: endsAt, what: "live view") { [self] ready in
                try await turns.withTurn(
                    id, deadline: .now + .seconds(30), claimingOwnership: claiming,
                    control: ControlMark(kind: .liveControl, endsAt: expiresAt)
                ) { turn in
                    guard let session = turn.session else { throw SessionError.notFound(id) }
                    // Its keep_warm context holds its state already (when nothing changed behind its back).
                    let warmContext = session.profile == nil ? await warm.takeForView(id, session: session) : nil
                    let view = try await open(session, warmContext.map { (held: $0.held, proxy: $0.proxy) })
                    _ = await runLive(view, tokenHash: tokenHash, until: endsAt, ready: ready)
                    // A deleted session is not written (the store answers notFound, logged). A
                    // warm context stays open until the session stored its state.
                    let written = try await writeBack(
                        id, session: session, connection: view.page.connection, browserContextId: view.context.cookieContextId,
                        seenOrigins: view.seenOrigins, lastURL: view.url, turn: turn, holder: "live viewer", timeout: .seconds(10)
                    ) {
                        if warmContext == nil { await releaseContext(of: view) }
                    }
                    if let warmContext {
                        await keepWarm(view, written: written, proxy: warmContext.proxy, settings: warmContext.settings)
                    }
                }
            } afterwards: { [self] in
                await finishLive(liveID)
            }
        case .view:
            view = try await startHandoff(id, holding: nil, endsAt: endsAt, what: "live view") { [self] ready in
                let view = try await open(session, nil)
                _ = await runLive(view, tokenHash: tokenHash, until: endsAt, ready: ready)
            } afterwards: { [self] in
                await finishLive(liveID)
            }
        }
        return LiveGrant(view: view, ttlSeconds: ttl)
    }

    /// The running live view this token's hash opens.
    public func liveView(tokenHash: String) -> LiveView? {
        lives.view(tokenHash: tokenHash)
    }

    /// The live view `liveID` (running, or ended within the last minutes) of a session of `tenant`;
    /// nil for an unknown id and for another tenant's view alike. In a cluster, a view another node
    /// opened throws `RenderingError.ownedElsewhere` naming that node while it is alive (the call is
    /// forwarded there, where the tenant is checked).
    public func liveView(_ liveID: String, tenant: TenantID) async throws -> LiveView? {
        if let view = lives.view(id: liveID) { return view.sessionID.tenant == tenant ? view : nil }
        if let cluster = sessions.cluster, let node = Self.node(ofLiveID: liveID), node != cluster.nodeID,
            let url = await cluster.aliveURL(of: node)
        {
            throw RenderingError.ownedElsewhere(nodeID: node, advertiseURL: url)
        }
        return nil
    }

    /// Live views running now.
    public var liveViewCount: Int { lives.running.count }

    /// The view's context (`warm`, which holds the session's state, with the proxy it was kept with;
    /// a page of the session's profile's browser; or a fresh context of the pool with the state
    /// restored) on the session's last URL. Through a proxy that asks for credentials, in a pool
    /// without an egress policy, the view's pages answer its challenges.
    private func openLive(
        _ session: RpcSessionContext, warm: (held: HeldLease, proxy: ProxyConfig?)?, id: SessionID, liveID: String, mode: LiveMode,
        expiresAt: Date
    ) async throws -> LiveView {
        let timeout = Duration.seconds(10)
        let context: LiveContext
        if let warm {
            context = .pool(warm.held)
        } else if let profile = session.profile {
            context = try await profileContext(ProfileLocation.path(of: profile, tenant: id.tenant), shown: profile, timeout: timeout)
        } else {
            do {
                context = .pool(try await pool.checkout(deadline: .now + .seconds(30)))
            } catch let error as PoolError {
                throw RenderingError.handoffUnavailable(reason: "no browser context for the live view: \(error)", retryAfterMs: 1000)
            }
        }
        // Behind an egress gate the gate sends the proxy's credentials itself; without one the
        // browser meets the challenge and the view's pages answer it.
        var proxyAuth: LiveProxyAuth?
        if let held = warm?.held, held.egress == nil, let proxy = warm?.proxy, let username = proxy.username {
            proxyAuth = LiveProxyAuth(username: username, password: proxy.password ?? "", logger: logger)
        }
        let page = context.page
        do {
            try await proxyAuth?.answer(on: page)
            if warm == nil {
                try await ContextCookies(connection: page.connection, browserContextId: context.cookieContextId)
                    .set(session.cookies, timeout: timeout)
                // A profile's localStorage is in its directory already.
                if let held = context.held {
                    try await Page.with(session: page, browserContextId: held.browserContextId, logger: logger) { page in
                        try await page.restoreLocalStorage(session.localStorage, timeout: timeout)
                    }
                }
            }
            _ = try await page.send(method: "Page.enable", timeout: timeout)
            let target = session.lastUrl.flatMap { Page.origin(of: $0) != nil ? $0 : nil } ?? "about:blank"
            // A page that fails to load still shows (its error page); the viewer can go elsewhere.
            _ = try? await page.send(method: "Page.navigate", params: ["url": .string(target)], timeout: timeout)
            return LiveView(
                id: liveID, sessionID: id, mode: mode, expiresAt: expiresAt, context: context, metrics: liveMetrics, proxyAuth: proxyAuth)
        } catch {
            await proxyAuth?.stop()
            await release(context)
            throw error
        }
    }

    /// A page of profile `name`'s browser for a live view (started if it is not running), and the id
    /// of the browser's default context.
    private func profileContext(_ name: String, shown: String, timeout: Duration) async throws -> LiveContext {
        let browser: LaunchedBrowser
        let page: CDPSession
        do {
            (browser, page) = try await ProfileContextProvider(browsers: profiles, profile: name).openPage(deadline: .now + .seconds(30))
        } catch ContextProviderError.queueTimeout {
            throw RenderingError.handoffUnavailable(reason: "profile \(shown)'s browser was not free within 30 s", retryAfterMs: 1000)
        } catch let error as ContextProviderError {
            throw RenderingError.handoffUnavailable(reason: "profile \(shown): \(error)", retryAfterMs: 1000)
        }
        do {
            let info = try await browser.connection.send(
                method: "Target.getTargetInfo", params: ["targetId": .string(page.targetId)], timeout: timeout)
            guard let contextId = info["targetInfo"]?["browserContextId"]?.stringValue else {
                throw RenderingError.handoffUnavailable(reason: "profile \(shown)'s browser named no context for its page", retryAfterMs: 1000)
            }
            return .profile(page: page, name: name, contextId: contextId)
        } catch {
            browser.connection.closePageInBackground(page.targetId)
            await profiles.release(name)
            throw error
        }
    }

    /// Gives a live view's context back: the pool's, or the profile browser's page (closed).
    private func release(_ context: LiveContext) async {
        switch context {
        case .pool(let held):
            pool.checkin(held)
        case .profile(let page, let name, _):
            page.connection.closePageInBackground(page.targetId)
            await profiles.release(name)
        }
    }

    /// Gives the view's context back, once (the write-back may have given it back already).
    private func releaseContext(of view: LiveView) async {
        guard view.takeRelease() else { return }
        await release(view.context)
    }

    /// Where a profile session's hand-off (live view, CDP client) runs: the owner of its session, in a
    /// cluster (the call is forwarded there while it is alive); whether this node claims the session
    /// (its owner gone).
    func profilePlacement(of session: RpcSessionContext, _ id: SessionID, forwardedBy: String?) async throws -> Bool {
        guard let cluster = sessions.cluster, session.profile != nil else { return false }
        switch await cluster.place(try await cluster.backend.placement(of: id), bindingProfile: nil, forwardedBy: forwardedBy) {
        case .owner(let node): throw RenderingError.ownedElsewhere(nodeID: node.nodeID, advertiseURL: node.advertiseURL)
        case .here(let claimingOwnership, _): return claimingOwnership
        }
    }

    /// The view's life once open: reachable by its token until it ends; returns why it ended.
    private func runLive(_ view: LiveView, tokenHash: String, until endsAt: ContinuousClock.Instant, ready: AsyncLatch<Result<LiveView, any Error>>)
        async -> LiveEnd
    {
        lives.register(view, tokenHash: tokenHash)
        liveMetrics.opened(view.mode)
        ready.resolve(.success(view))
        logger.info(
            "live view opened", metadata: ["session_id": "\(view.sessionID)", "live_id": "\(view.id)", "mode": "\(view.mode.rawValue)"])
        let reason = await withTaskCancellationHandler {
            await view.waitForEnd(until: endsAt)
        } onCancel: {
            view.end(.serverStopping)
        }
        view.end(reason)
        lives.retire(view, tokenHash: tokenHash)
        // Before the page is reset for its session or its context goes back.
        await view.proxyAuth?.stop()
        return view.endReason ?? reason
    }

    /// After a control view of a keep_warm session in its kept context: the context is kept for the
    /// session again when the session stored exactly what it holds (its next render skips the
    /// restore, as after a render); the windows the view opened are closed and its page moves to a
    /// blank document of the origin it shows. Otherwise it goes back to the pool.
    private func keepWarm(_ view: LiveView, written: WrittenBack?, proxy: ProxyConfig?, settings: PageSettings?) async {
        guard let held = view.context.held else { return }
        guard let written, written.inSync, view.takeRelease() else {
            await releaseContext(of: view)
            return
        }
        for tab in view.tabs.snapshot.tabs where tab.id != view.tabs.main.targetId {
            _ = try? await view.page.connection.send(CDP.Target.CloseTarget(targetId: tab.id), timeout: .seconds(5))
        }
        let page = view.url.flatMap { Page.origin(of: $0) }.map { ContextReuse.Outcome.resettable(origin: $0, clearing: nil, initScripts: []) }
        warm.keep(
            view.sessionID, held, cookies: written.stored.cookies, localStorage: written.stored.localStorage, proxy: proxy,
            page: page, settings: settings)
    }

    /// The view is over (written back, when in control): its context goes back (when the write-back
    /// did not give it back already, or kept it for the session) and `live.wait` answers.
    private func finishLive(_ liveID: String) async {
        guard let view = lives.view(id: liveID) else { return }
        await releaseContext(of: view)
        view.finish(view.endReason ?? .failed)
        liveMetrics.ended(view.endReason ?? .failed)
        logger.info(
            "live view ended",
            metadata: ["session_id": "\(view.sessionID)", "live_id": "\(liveID)", "reason": "\(view.endReason?.rawValue ?? "failed")"])
    }

    /// `live_` and 32 random hex digits; in a cluster then `_` and the node's id in hex, so any node
    /// knows where the view lives (`live.status|revoke|wait` are forwarded there).
    private func newLiveID() -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        guard let cluster = sessions.cluster else { return "live_" + random }
        return "live_" + random + "_" + cluster.nodeID.utf8.map { String(format: "%02x", $0) }.joined()
    }

    /// The node a live id names (nil for a single node's id or a malformed one).
    static func node(ofLiveID liveID: String) -> String? {
        let parts = liveID.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "live", parts[2].utf8.count.isMultiple(of: 2), parts[2].utf8.count <= 512 else { return nil }
        var bytes: [UInt8] = []
        var digits = parts[2].makeIterator()
        while let high = digits.next(), let low = digits.next() {
            guard let byte = UInt8(String([high, low]), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes.isEmpty ? nil : String(validating: bytes, as: UTF8.self)
    }
}
