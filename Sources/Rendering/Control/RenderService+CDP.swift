import AsyncSupport
import Foundation
import Headless
import Logging
public import RenderTypes
public import SessionContext

extension RenderService {
    /// What `session.connect` answers besides the URLs (which the protocol layer builds from the token).
    public struct CDPGrant: Sendable {
        public let handoff: CDPHandoff
        /// The hold's TTL after clamping to the session's remaining life, in seconds.
        public let ttlSeconds: Int
    }

    /// Hands session `id` to a CDP client: takes the session's turn as its holder
    /// (renders and cookie changes on it are refused meanwhile, on every node), starts a browser of
    /// its own with the session's cookies and localStorage, and returns once a client can connect
    /// with the token whose hash is `tokenHash`. The browser wears the session's persona under
    /// `stealth`, as a render of the session with those settings would. A session with a profile gets
    /// a browser on the profile's directory instead (its own state is there; the session's cookies go
    /// on top, as for its renders): the profile's browser of ours closes first, once the renders in it
    /// ended, and none starts on the directory until the hand-off's browser closed. The hold lasts
    /// `ttlSeconds` (default 300, at most 3600, clamped to the session's remaining life) unless it
    /// ends earlier; when it ends the browser's cookies and localStorage are written back to the
    /// session in one update, like a render's, and the browser closes.
    ///
    /// In a cluster a profile lives on the node that owns its session: a call for it that lands on
    /// another node, while the owner is alive, throws `RenderingError.ownedElsewhere` (the RPC layer
    /// forwards it there, once: `forwardedBy` names the node a forwarded call came from); with the
    /// owner gone, this node takes the session over, as a render would.
    public func connectCDP(
        _ id: SessionID, ttlSeconds: Int?, stealth: StealthConfig = .default, tokenHash: String, forwardedBy: String? = nil
    ) async throws -> CDPGrant {
        let (session, ttl) = try await handoffSession(id, ttlSeconds: ttlSeconds, maxTTL: 3600, holding: true)
        let claiming = try await profilePlacement(of: session, id, forwardedBy: forwardedBy)
        let endsAt = ContinuousClock.now + .seconds(ttl)
        let expiresAt = Date().addingTimeInterval(TimeInterval(ttl))
        // The browser starts and the session's state goes in within the turn's own bounds; a
        // render the turn waits for ends by its deadline.
        let handoff: CDPHandoff = try await startHandoff(id, holding: .cdpClient, endsAt: endsAt, what: "CDP hand-off") { [self] ready in
            try await holdForCDP(
                id, endsAt: endsAt, mark: ControlMark(kind: .cdpClient, endsAt: expiresAt), expiresAt: expiresAt,
                claimingOwnership: claiming, stealth: stealth, tokenHash: tokenHash, ready: ready)
        }
        return CDPGrant(handoff: handoff, ttlSeconds: ttl)
    }

    /// The hand-off with this token's hash, while it lasts.
    public func cdpHandoff(tokenHash: String) -> CDPHandoff? {
        handoffs.handoff(tokenHash: tokenHash)
    }

    /// Hand-offs running now: CDP connections (a browser each) and live views, which share the limit.
    public var cdpHandoffCount: Int { handoffs.running }

    /// Ends every hand-off (graceful shutdown) and waits until each wrote its session back.
    public func endHandoffs(reason: HandoffEnd) async {
        for handoff in handoffs.all { handoff.end(reason) }
        for view in lives.running { view.end(.serverStopping) }
        await handoffTasks.waitForAll()
    }

    /// The hold's whole life, inside the session's turn: browser, restore, wait, read back, write back.
    private func holdForCDP(
        _ id: SessionID, endsAt: ContinuousClock.Instant, mark: ControlMark, expiresAt: Date, claimingOwnership: Bool,
        stealth: StealthConfig, tokenHash: String, ready: AsyncLatch<Result<CDPHandoff, any Error>>
    ) async throws {
        try await turns.withTurn(id, deadline: .now + .seconds(30), claimingOwnership: claimingOwnership, control: mark) { turn in
            guard let session = turn.session else { throw SessionError.notFound(id) }
            // A profile's directory: taken from our own browser of it (its renders by other sessions
            // end first, within the turn's bounds), given back once the client's browser closed.
            let directory = session.profile.map { ProfileLocation.path(of: $0, tenant: id.tenant) }
            if let directory {
                do {
                    try await profiles.lend(directory, deadline: .now + .seconds(30))
                } catch ContextProviderError.queueTimeout {
                    throw RenderingError.handoffUnavailable(
                        reason: "renders of profile \(session.profile ?? directory) by other sessions did not end within 30 s",
                        retryAfterMs: 1000)
                } catch ContextProviderError.unavailable(let why) {
                    throw RenderingError.handoffUnavailable(reason: why, retryAfterMs: 1000)
                } catch let other as ContextProviderError {
                    throw RenderingError.handoffUnavailable(reason: "profile \(session.profile ?? directory): \(other)", retryAfterMs: 1000)
                }
            }
            do {
                try await holdBrowserForCDP(
                    id, session: session, turn: turn, endsAt: endsAt, expiresAt: expiresAt,
                    userDataDir: directory.map { profiles.root + "/" + $0 }, stealth: stealth, tokenHash: tokenHash, ready: ready)
            } catch {
                if let directory { await profiles.giveBack(directory) }
                throw error
            }
            if let directory { await profiles.giveBack(directory) }
        }
    }

    /// The hold once the session's turn (and its profile's directory, `userDataDir`) is taken.
    private func holdBrowserForCDP(
        _ id: SessionID, session: RpcSessionContext, turn: SessionTurn, endsAt: ContinuousClock.Instant, expiresAt: Date,
        userDataDir: String?, stealth: StealthConfig, tokenHash: String, ready: AsyncLatch<Result<CDPHandoff, any Error>>
    ) async throws {
        let timeout = Duration.seconds(10)
        let browser = try await pool.launchDedicatedBrowser(userDataDir: userDataDir)
        let handoff = CDPHandoff(sessionID: id, expiresAt: expiresAt, browser: browser, metrics: handoffs.metrics)
        // The session's persona, as its renders get it with these stealth settings, on every page
        // and worker of the browser from the client's first page on.
        let persona: Task<Void, Never>
        do {
            // A profile's own localStorage is in its directory; the session's cookies go on top.
            try await restore(session, into: browser, localStorage: userDataDir == nil, timeout: timeout)
            let userAgent = browser.version.userAgent
            let profile = StealthProfile.resolve(
                stealth, seed: Self.stealthSeed(of: id), browserUserAgent: userAgent, viewport: .default)
            persona = try await HandoffPersona.cover(
                browser.connection, profile: profile, browserUserAgent: userAgent, logger: logger, timeout: timeout)
            try await leaveBlankPage(in: browser, timeout: timeout)
        } catch {
            await browser.close()
            throw error
        }
        handoffs.register(handoff, tokenHash: tokenHash)
        ready.resolve(.success(handoff))
        logger.info("session handed to a CDP client", metadata: ["session_id": "\(id)", "pid": "\(browser.pid)"])
        let reason = await withTaskCancellationHandler {
            await handoff.waitForEnd(until: endsAt, connectTimeout: configuration.cdpConnectTimeout)
        } onCancel: {
            handoff.end(.serverStopping)
        }
        handoffs.remove(tokenHash: tokenHash)
        handoff.end(reason)
        handoffs.metrics.ended(reason)
        // What the client set on the browser's own session outlives it: targets it asked to be
        // attached to (and paused) at start would pause Tidepool's reading page.
        _ = try? await browser.connection.send(
            CDP.Target.SetAutoAttach(autoAttach: false, waitForDebuggerOnStart: false, flatten: true), timeout: timeout)
        try await writeBack(
            id, session: session, connection: browser.connection, browserContextId: nil, seenOrigins: handoff.seenOrigins,
            lastURL: handoff.lastSeenURL, turn: turn, holder: "CDP client", timeout: timeout
        ) {
            await browser.close()
            persona.cancel()
            await persona.value
        }
        logger.info("CDP hand-off ended", metadata: ["session_id": "\(id)", "reason": "\(reason)"])
    }

    /// Reads the cookies and localStorage of the browser context `browserContextId` (nil: the
    /// browser's default one) back, lets `close` end it, and writes the state to the session in one
    /// update, exactly like a render's write-back (a hand-off's end: a CDP client's or a live
    /// viewer's in control, named `holder` in what is logged or stored as the error). Returns what
    /// the session stored, nil when its browser state was not stored (the session is gone, the lease
    /// lost, or the state over a bound).
    @discardableResult
    func writeBack(
        _ id: SessionID, session: RpcSessionContext, connection: CDPConnection, browserContextId: String?, seenOrigins: Set<String>,
        lastURL: String?, turn: SessionTurn, holder: String, timeout: Duration, close: () async -> Void
    ) async throws -> WrittenBack? {
        let state = await readBack(connection, browserContextId: browserContextId, seenOrigins: seenOrigins, session: session, timeout: timeout)
        await close()
        var outcome = RequestOutcome(url: lastURL)
        var unread: [String] = []
        switch state.cookies {
        case .success(let cookies):
            if sessions.configuration.persistCookies {
                outcome.cookies = cookies
                outcome.cookiesBefore = session.cookies
            }
        case .failure(let error):
            unread.append("cookies (\(error))")
        }
        switch state.localStorage {
        case .success(let localStorage): outcome.localStorage = localStorage
        case .failure(let error): unread.append("localStorage (\(error))")
        }
        if !unread.isEmpty {
            outcome.error = "the \(holder)'s browser state was not all read back: " + unread.joined(separator: ", ")
            logger.warning("hand-off's state not all read back", metadata: ["session_id": "\(id)", "unread": "\(unread)"])
        }
        do throws(SessionError) {
            // Never cancelled (BackgroundTasks does not cancel): the write-back always runs.
            let stored = try await sessions.store.completeRequest(id, outcome, fence: turn.finalFence)
            turn.leaseEnded()
            let read = try? state.cookies.get()
            return WrittenBack(stored: stored, inSync: read != nil && outcome.localStorage != nil && stored.cookies == read)
        } catch .invalidValue(_, let why) {
            outcome.cookies = nil
            outcome.localStorage = nil
            outcome.error = "browser state not saved: \(why)"
            _ = try? await sessions.store.completeRequest(id, outcome, fence: turn.finalFence)
            turn.leaseEnded()
        } catch .leaseLost {
            turn.leaseEnded()
            logger.warning("hand-off's lease ran out: its state was not saved", metadata: ["session_id": "\(id)", "holder": "\(holder)"])
        } catch .notFound {
            logger.info("session deleted during its hand-off: nothing saved", metadata: ["session_id": "\(id)", "holder": "\(holder)"])
        } catch {
            throw error
        }
        return nil
    }

    /// What a hand-off's write-back stored, and whether that is exactly what the browser holds
    /// (its cookies and localStorage were both read and stored as read).
    struct WrittenBack {
        let stored: RpcSessionContext
        let inSync: Bool
    }

    /// Puts the session's cookies and (unless `localStorage` is false) localStorage into the browser's
    /// default context.
    func restore(_ session: RpcSessionContext, into browser: LaunchedBrowser, localStorage: Bool = true, timeout: Duration)
        async throws
    {
        let connection = browser.connection
        try await ContextCookies(connection: connection, browserContextId: nil).set(session.cookies, timeout: timeout)
        if localStorage, session.localStorage.values.contains(where: { !$0.isEmpty }) {
            let page = try await connection.openPage(in: nil, timeout: timeout)
            try await Page.with(session: page, browserContextId: nil, logger: logger) { page in
                try await page.restoreLocalStorage(session.localStorage, timeout: timeout)
            }
            _ = try await connection.send(CDP.Target.CloseTarget(targetId: page.targetId), timeout: timeout)
        }
    }

    /// Leaves one blank page, with no history and no session of Tidepool's attached, for the client.
    private func leaveBlankPage(in browser: LaunchedBrowser, timeout: Duration) async throws {
        let connection = browser.connection
        let targets = try await connection.send(CDP.Target.GetTargets(), timeout: timeout).targetInfos
        if !targets.contains(where: { $0.type == "page" }) {
            _ = try await connection.send(CDP.Target.CreateTarget(url: "about:blank"), timeout: timeout)
        }
    }

    /// The browser's cookies, and localStorage of every origin the session had or the client showed;
    /// each read on its own (a failure of one keeps the session's stored value of it).
    private func readBack(
        _ connection: CDPConnection, browserContextId: String?, seenOrigins: Set<String>, session: RpcSessionContext, timeout: Duration
    ) async -> (cookies: Result<[Cookie], any Error>, localStorage: Result<LocalStorageContents, any Error>) {
        let cookies: Result<[Cookie], any Error>
        do {
            cookies = .success(try await ContextCookies(connection: connection, browserContextId: browserContextId).all(timeout: timeout))
        } catch {
            cookies = .failure(error)
        }
        do {
            var origins = seenOrigins.union(session.localStorage.keys)
            let targets = try await connection.send(CDP.Target.GetTargets(), timeout: timeout).targetInfos
            for target in targets where target.type == "page" && (browserContextId == nil || target.browserContextId == browserContextId) {
                if let origin = Page.origin(of: target.url) { origins.insert(origin) }
            }
            let page = try await connection.openPage(in: browserContextId, timeout: timeout)
            let storage = try await Page.with(session: page, browserContextId: browserContextId, logger: logger) { page in
                try await page.readLocalStorage(ofOrigins: origins, timeout: timeout)
            }
            return (cookies, .success(storage))
        } catch {
            return (cookies, .failure(error))
        }
    }
}
