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
    /// a browser of its own with the session's cookies and localStorage, on the session's last URL.
    /// In control mode the session is held (renders and cookie changes refused, on every node) and
    /// its state is written back when the view ends, like a render's; in view mode nothing is held
    /// or written back. The view lasts `ttlSeconds` (default 300, at most 900, clamped to the
    /// session's remaining life) unless it ends earlier. It shares the browsers `session.connect`
    /// may start (`max_cdp_browsers`).
    public func createLive(_ id: SessionID, mode: LiveMode, ttlSeconds: Int?, tokenHash: String) async throws -> LiveGrant {
        if let ttlSeconds, !(1...900).contains(ttlSeconds) {
            throw RenderingError.invalidParams(field: "ttl_secs", reason: "must be 1…900 seconds, got \(ttlSeconds)")
        }
        if mode == .control { try sessions.holds.refuseIfHeld(id) }
        let session = try await sessions.store.peek(id)
        if let profile = session.profile {
            throw RenderingError.invalidParams(
                field: "session_id",
                reason: "session \(id) renders with profile \(profile), whose browser holds its directory: open a live view of a session without a profile")
        }
        // A view ends before the session could expire under it (its write-back renews it when it auto-renews).
        let remaining = Int(session.expiresAt.timeIntervalSince(sessions.store.clock.now())) - 2
        let ttl = min(ttlSeconds ?? 300, remaining)
        guard ttl >= 5 else {
            throw RenderingError.invalidParams(
                field: "ttl_secs", reason: "session \(id) expires in \(max(0, remaining + 2)) s: extend it (session.extend) first")
        }
        guard lives.running(of: id).count < LiveViews.maxPerSession else {
            throw RenderingError.handoffUnavailable(
                reason: "session \(id) has \(LiveViews.maxPerSession) live views already: revoke one (live.revoke)", retryAfterMs: 1000)
        }
        guard handoffs.reserve() else {
            throw RenderingError.handoffUnavailable(
                reason: "every hand-off browser of this node is in use (max_cdp_browsers \(handoffs.maxBrowsers))", retryAfterMs: 1000)
        }
        let liveID = Self.newLiveID()
        let endsAt = ContinuousClock.now + .seconds(ttl)
        let expiresAt = Date().addingTimeInterval(TimeInterval(ttl))
        let ready = AsyncLatch<Result<LiveView, any Error>>()
        let open: @Sendable (RpcSessionContext) async throws -> LiveView = { [self] session in
            try await openLive(session, id: id, liveID: liveID, mode: mode, expiresAt: expiresAt)
        }
        switch mode {
        case .control:
            guard let hold = sessions.holds.claim(id, kind: .liveControl, endsAt: endsAt) else {
                handoffs.unreserve()
                throw sessions.holds.refusal(for: id) ?? RenderingError.sessionHeld(kind: .liveControl, retryAfterMs: 1000)
            }
            handoffTasks.run { [self] in
                defer {
                    sessions.holds.release(id, hold)
                    handoffs.unreserve()
                }
                do {
                    try await turns.withTurn(
                        id, deadline: .now + .seconds(30), claimingOwnership: false,
                        control: ControlMark(kind: .liveControl, endsAt: expiresAt)
                    ) { turn in
                        guard let session = turn.session else { throw SessionError.notFound(id) }
                        let view = try await open(session)
                        _ = await runLive(view, tokenHash: tokenHash, until: endsAt, ready: ready)
                        // A deleted session is not written (the store answers notFound, logged).
                        try await writeBack(
                            id, session: session, browser: view.browser, seenOrigins: view.seenOrigins, lastURL: view.url,
                            turn: turn, holder: "live viewer", timeout: .seconds(10))
                    }
                } catch is LockRefusal {
                    ready.resolve(.failure(RenderingError.handoffUnavailable(
                        reason: "the session's renders in progress did not end within 30 s", retryAfterMs: 1000)))
                } catch {
                    if !ready.resolve(.failure(error)) {
                        logger.warning("live view ended with an error", metadata: ["session_id": "\(id)", "error": "\(error)"])
                    }
                }
                await finishLive(liveID)
            }
        case .view:
            handoffTasks.run { [self] in
                defer { handoffs.unreserve() }
                do {
                    let view = try await open(session)
                    _ = await runLive(view, tokenHash: tokenHash, until: endsAt, ready: ready)
                } catch {
                    if !ready.resolve(.failure(error)) {
                        logger.warning("live view ended with an error", metadata: ["session_id": "\(id)", "error": "\(error)"])
                    }
                }
                await finishLive(liveID)
            }
        }
        guard let outcome = await ready.wait() else { throw CancellationError() }
        return LiveGrant(view: try outcome.get(), ttlSeconds: ttl)
    }

    /// The running live view this token's hash opens.
    public func liveView(tokenHash: String) -> LiveView? {
        lives.view(tokenHash: tokenHash)
    }

    /// The live view `liveID` (running, or ended within the last minutes) of a session of `tenant`;
    /// nil for an unknown id and for another tenant's view alike.
    public func liveView(_ liveID: String, tenant: TenantID) -> LiveView? {
        guard let view = lives.view(id: liveID), view.sessionID.tenant == tenant else { return nil }
        return view
    }

    /// Live views running now.
    public var liveViewCount: Int { lives.running.count }

    /// The view's browser with the session's state, on its last URL, one page attached for the screencast.
    private func openLive(_ session: RpcSessionContext, id: SessionID, liveID: String, mode: LiveMode, expiresAt: Date)
        async throws -> LiveView
    {
        let timeout = Duration.seconds(10)
        let browser = try await pool.launchDedicatedBrowser(userDataDir: nil)
        do {
            try await restore(session, into: browser, timeout: timeout)
            // A page of its own (the restore's pages may still be closing).
            let page = try await browser.connection.openPage(in: nil, timeout: timeout)
            _ = try await page.send(method: "Page.enable", timeout: timeout)
            if let last = session.lastUrl, Page.origin(of: last) != nil {
                // A page that fails to load still shows (its error page); the viewer can go elsewhere.
                _ = try? await page.send(method: "Page.navigate", params: ["url": .string(last)], timeout: timeout)
            }
            return LiveView(id: liveID, sessionID: id, mode: mode, expiresAt: expiresAt, browser: browser, page: page, metrics: liveMetrics)
        } catch {
            await browser.close()
            throw error
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
        return view.endReason ?? reason
    }

    /// The view is over (written back, when in control): its browser closes and `live.wait` answers.
    private func finishLive(_ liveID: String) async {
        guard let view = lives.view(id: liveID) else { return }
        await view.browser.close()
        view.finish(view.endReason ?? .failed)
        liveMetrics.ended(view.endReason ?? .failed)
        logger.info(
            "live view ended",
            metadata: ["session_id": "\(view.sessionID)", "live_id": "\(liveID)", "reason": "\(view.endReason?.rawValue ?? "failed")"])
    }

    /// `live_` and 32 hex digits.
    private static func newLiveID() -> String {
        var generator = SystemRandomNumberGenerator()
        return "live_" + (0..<16).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }
}
