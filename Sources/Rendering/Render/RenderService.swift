import AsyncSupport
public import CoreMetrics
import Foundation
public import Headless
public import Logging
public import RenderTypes
public import SessionContext

/// The session-aware `render` path (SPEC *render*, *Sessions*): validates every param before a
/// browser or a session is touched, admits the call on its session (get-or-create, expiry, the
/// request limit counted atomically before rendering), serialises calls per session, renders with
/// the session's cookies and localStorage restored into a fresh context (or its kept warm context,
/// or its profile's own browser) and writes the browser state back with the URL and timing in one
/// store update. Each render is measured (duration, queue wait, lease) through the injected metrics
/// factory; the call's one log line and its error code belong to the protocol layer above.
public final class RenderService: Sendable {
    /// Settings of the render path; defaults are the documented ones.
    public struct Configuration: Sendable {
        /// Profile browsers running at once (SPEC `max_profile_browsers`).
        public var maxProfileBrowsers: Int
        /// A profile browser unused this long is closed; nil: the pool's `idle_timeout`.
        public var profileIdleTimeout: Duration?
        /// Calls waiting for one session's lock at most; more are refused as overloaded.
        public var maxWaitingPerSession: Int
        /// The executor's settings.
        public var renderer: Renderer.Configuration

        public init(
            maxProfileBrowsers: Int = 4, profileIdleTimeout: Duration? = nil, maxWaitingPerSession: Int = 256,
            renderer: Renderer.Configuration = Renderer.Configuration()
        ) {
            self.maxProfileBrowsers = max(1, maxProfileBrowsers)
            self.profileIdleTimeout = profileIdleTimeout
            self.maxWaitingPerSession = max(1, maxWaitingPerSession)
            self.renderer = renderer
        }
    }

    /// The browser pool renders lease their contexts from.
    public let pool: BrowserPool
    public let configuration: Configuration
    let sessions: SessionService
    let locks: KeyedLock<SessionID>
    let warm: WarmContexts
    let profiles: ProfileBrowsers
    let profileLocation: ProfileLocation
    let metrics: RenderMetrics
    let gauges: PoolGauges
    let logger: Logger
    /// The machine's fonts by script, when known (health shows them).
    let fonts: FontCoverage?

    /// A render path over `pool` and `sessions`, measuring through `metrics`.
    public init(
        pool: BrowserPool, sessions: SessionService, configuration: Configuration = Configuration(),
        fonts: FontCoverage? = nil, metrics: any MetricsFactory, logger: Logger
    ) {
        self.fonts = fonts
        self.pool = pool
        self.sessions = sessions
        self.configuration = configuration
        self.locks = KeyedLock(maxWaiters: configuration.maxWaitingPerSession)
        self.warm = WarmContexts(pool: pool, logger: logger)
        let location = ProfileLocation(root: sessions.configuration.profilesDirectory)
        self.profileLocation = location
        self.profiles = ProfileBrowsers(
            root: location.root,
            configuration: .init(
                maxBrowsers: configuration.maxProfileBrowsers,
                idleTimeout: configuration.profileIdleTimeout ?? pool.config.idleTimeout),
            logger: logger
        ) { directory throws(LaunchError) in
            try await pool.launchDedicatedBrowser(userDataDir: directory)
        }
        self.metrics = RenderMetrics(factory: metrics)
        self.gauges = PoolGauges(factory: metrics)
        self.logger = logger
        sessions.observeSessionEnds(self)
    }

    // MARK: render

    /// Serves one `render` call and measures it. Throws `RenderingError`, `RenderError` (the
    /// renderer's failures) or `SessionError` (the session's admission and store).
    public func render(_ params: RenderParams) async throws -> DynamicRenderResult {
        let receivedAt = ContinuousClock.now
        do {
            let result = try await renderChecked(params, receivedAt: receivedAt)
            metrics.recordSuccess(result)
            return result
        } catch {
            metrics.recordFailure(elapsed: ContinuousClock.now - receivedAt)
            throw error
        }
    }

    private func renderChecked(_ params: RenderParams, receivedAt: ContinuousClock.Instant) async throws
        -> DynamicRenderResult
    {
        // Every param is checked before a session or a browser is touched.
        var request = try Renderer.preflight(RenderRequest(
            url: params.url, config: params.config ?? DynamicConfig(), stealth: params.stealth ?? .default,
            priority: params.priority ?? .normal, receivedAt: receivedAt
        ))
        let profile = try profileLocation.profile(named: params.profile, userDataDir: params.userDataDir)
        if profile != nil, request.config.proxy != nil {
            throw RenderingError.invalidParams(
                field: "config.proxy", reason: "a profile renders in its own browser, whose default context takes no proxy")
        }
        guard let rawID = params.sessionId else {
            // No session: a fresh context (or the profile's browser), nothing carried over.
            request.stealthSeed = profile.map { "profile:" + $0 }
            let provider: any ContextProvider = profile.map { ProfileContextProvider(browsers: profiles, profile: $0) } ?? pool
            return try await renderer(provider).render(request).result
        }
        guard SessionID.invalidReason(rawID) == nil, let id = SessionID(rawID) else {
            throw RenderingError.invalidParams(field: "session_id", reason: SessionID.invalidReason(rawID) ?? "invalid")
        }
        return try await renderInSession(request, id: id, profile: profile, profileField: params.profile == nil ? "user_data_dir" : "profile")
    }

    /// Admission, then the session's lock, then the render with the session's state.
    private func renderInSession(_ request: CheckedRenderRequest, id: SessionID, profile: String?, profileField: String)
        async throws -> DynamicRenderResult
    {
        let store = sessions.store
        let existing = try await store.backend.load(id)
        if let bound = existing?.profile {
            if let profile, bound != profile {
                throw RenderingError.invalidParams(field: profileField, reason: "session \(id) renders with profile \(bound)")
            }
            // A profile stored with the session is held to the same rule as one given now.
            try profileLocation.checkNotLinkingOut(bound, field: "profile")
        }
        // Counted before rendering, atomically: the call over max_requests gets -32003, nothing renders.
        // A session this call creates is admitted under the session cap's gate.
        // A profile named now is bound to a session that has none, in the same update.
        if existing == nil {
            _ = try await sessions.admittingNewSession {
                try await store.beginRequest(id, createIfMissing: true, bindingProfile: profile)
            }
        } else {
            try await store.beginRequest(id, createIfMissing: true, bindingProfile: profile)
        }
        let deadline = request.receivedAt + .milliseconds(request.config.effectiveTimeoutMs)
        var locked = false
        do {
            return try await locks.withLock(id, deadline: deadline) {
                locked = true
                return try await renderLocked(request, id: id)
            }
        } catch let refusal as LockRefusal {
            let error: RenderError
            let elapsedMs = (ContinuousClock.now - request.receivedAt).wholeMilliseconds
            switch refusal {
            case .timedOut:
                error = .timeout(stage: .queue, elapsedMs: elapsedMs)
            case .tooManyWaiters(let waiting):
                error = .overloaded(queueLength: waiting, retryAfterMs: 1000)
            }
            await recordFailure(id, url: request.url, error)
            throw error
        } catch is CancellationError where !locked {
            // Cancelled while waiting for the session's previous call: like the renderer's own cancellation.
            let error = RenderError.cancelled(stage: .queue, elapsedMs: (ContinuousClock.now - request.receivedAt).wholeMilliseconds)
            await recordFailure(id, url: request.url, error)
            throw error
        }
    }

    /// Renders holding the session's lock: its state is read now (the previous call has written back).
    private func renderLocked(_ base: CheckedRenderRequest, id: SessionID) async throws -> DynamicRenderResult {
        let store = sessions.store
        guard let session = try await store.backend.load(id) else { throw SessionError.notFound(id) }
        var request = base
        request.stealthSeed = id.rawValue
        request.collectState = true
        let provider: any ContextProvider
        var warmProvider: WarmContextProvider?
        if let profile = session.profile {
            // The profile's directory holds its storage; the session's cookies go on top.
            request.state = BrowserState(cookies: session.cookies)
            provider = ProfileContextProvider(browsers: profiles, profile: profile)
        } else {
            request.state = BrowserState(cookies: session.cookies, localStorage: session.localStorage)
            if session.keepWarm {
                let kept = WarmContextProvider(warm: warm, sessionID: id, session: session)
                warmProvider = kept
                provider = kept
            } else {
                provider = pool
            }
        }
        let outcome: RenderOutcome
        do {
            outcome = try await renderer(provider).render(request)
        } catch {
            warmProvider?.abandon()
            await recordFailure(id, url: request.url, error)
            throw error
        }
        var result = outcome.result
        result.sessionId = id.rawValue
        let persistCookies = sessions.configuration.persistCookies
        var written = RequestOutcome(
            url: request.url, renderTimeMs: result.renderTimeMs,
            cookies: persistCookies ? outcome.state?.cookies : nil, localStorage: outcome.state?.localStorage
        )
        var stored: RpcSessionContext?
        do {
            stored = try await store.completeRequest(id, written)
        } catch .invalidValue(_, let reason) {
            // Over the session's limits: keep the count and timing, not the state.
            result.warnings.append("the session's cookies and localStorage were not saved: \(reason)")
            written.cookies = nil
            written.localStorage = nil
            written.error = "browser state not saved: \(reason)"
            stored = try? await store.completeRequest(id, written)
        } catch .notFound {
            result.warnings.append("the session was deleted during the render; nothing was saved")
        } catch {
            throw error
        }
        if let warmProvider {
            let inSync = stored != nil && written.localStorage != nil && stored?.cookies == outcome.state?.cookies
            warmProvider.finish(
                inSync: inSync, cookies: stored?.cookies ?? [], localStorage: stored?.localStorage ?? [:],
                proxy: request.config.proxy)
        }
        return result
    }

    /// Counts a failed call on its session and keeps the failure as `last_error` (best effort: the
    /// session may have been deleted meanwhile).
    private func recordFailure(_ id: SessionID, url: String, _ error: any Error) async {
        do {
            try await sessions.store.completeRequest(id, RequestOutcome(url: url, error: "\(error)"))
        } catch {
            logger.debug("failure not recorded on the session", metadata: ["session_id": "\(id)", "error": "\(error)"])
        }
    }

    private func renderer(_ provider: any ContextProvider) -> Renderer {
        Renderer(provider: provider, configuration: configuration.renderer, logger: logger)
    }

    // MARK: Pool figures

    /// What `pool.stats` answers: the pool's figures, plus the profile browsers and the number of
    /// sessions keeping a warm context.
    public func poolStats() async -> BrowserPoolStats {
        var stats = pool.stats()
        stats.profileBrowsers = await profiles.figures()
        stats.warmSessions = warm.count
        return stats
    }

    /// Refreshes the pool gauges (when /metrics is scraped).
    public func refreshGauges() async {
        gauges.update(pool.stats(), profileBrowsers: await profiles.count)
    }

    /// Process ids of every browser the render path runs now (pool and profiles).
    public func browserPids() async -> [Int32] {
        pool.stats().browsers.compactMap(\.pid) + (await profiles.pids())
    }
}

extension RenderService: SessionEndObserver {
    /// A session ended: its warm context goes back and its profile's browser closes (before the
    /// session service removes the profile directory).
    public func sessionEnded(_ id: SessionID, profile: String?) async {
        warm.release(id)
        if let profile { await profiles.close(profile) }
    }
}

extension RenderService: PoolHealthSource {
    /// Can serve while the pool is not stopping and has a ready browser, or can still start one.
    public func poolHealth() async -> PoolHealth {
        let stats = pool.stats()
        let canServe = !stats.shuttingDown && (stats.readyBrowsers > 0 || stats.lastLaunchError == nil)
        var summary: [String: JSONValue] = [
            "browsers": .int(stats.browsers.count), "ready_browsers": .int(stats.readyBrowsers),
            "contexts_leased": .int(stats.contextsLeased), "contexts_idle": .int(stats.contextsIdle),
            "contexts_held": .int(stats.contextsHeld), "queue_length": .int(stats.queueLength),
            "utilization": .double(stats.utilization), "restarts": .int(stats.restarts),
            "profile_browsers": .int(await profiles.count),
        ]
        if let error = stats.lastLaunchError { summary["last_launch_error"] = .string(error) }
        if let fonts {
            summary["fonts"] = [
                "present": .array(fonts.present.map(JSONValue.string)), "missing": .array(fonts.missing.map(JSONValue.string)),
            ]
        }
        if stats.shuttingDown { summary["shutting_down"] = true }
        return PoolHealth(canServe: canServe, summary: .object(summary))
    }
}
