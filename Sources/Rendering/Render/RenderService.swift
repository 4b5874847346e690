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
        /// Renders a recycled context serves at most (SPEC-style `recycle_max_uses`); 1 or less: no recycling.
        public var recycleMaxUses: Int
        /// Browsers CDP clients' hand-offs (`session.connect`) run at once.
        public var maxCDPBrowsers: Int
        /// A hand-off no client connected to within this ends (its browser closes, the session is free).
        public var cdpConnectTimeout: Duration
        /// Recycled contexts waiting at most; nil: as many as the pool has contexts at full size (the
        /// pool takes a waiting one back whenever a render queues for a slot).
        public var recycleMaxIdle: Int?

        public init(
            maxProfileBrowsers: Int = 4, profileIdleTimeout: Duration? = nil, maxWaitingPerSession: Int = 256,
            renderer: Renderer.Configuration = Renderer.Configuration(), recycleMaxUses: Int = 50,
            recycleMaxIdle: Int? = nil, maxCDPBrowsers: Int = 2, cdpConnectTimeout: Duration = .seconds(60)
        ) {
            self.cdpConnectTimeout = cdpConnectTimeout
            self.maxCDPBrowsers = max(1, maxCDPBrowsers)
            self.maxProfileBrowsers = max(1, maxProfileBrowsers)
            self.profileIdleTimeout = profileIdleTimeout
            self.maxWaitingPerSession = max(1, maxWaitingPerSession)
            self.renderer = renderer
            self.recycleMaxUses = recycleMaxUses
            self.recycleMaxIdle = recycleMaxIdle
        }
    }

    /// The browser pool renders lease their contexts from.
    public let pool: BrowserPool
    public let configuration: Configuration
    let sessions: SessionService
    /// This node's FIFO lock per session: the whole turn on one node, the queue before the lease in a cluster.
    let locks: KeyedLock<SessionID>
    /// How renders of one session take turns: the local lock, or with it a cluster-wide lease.
    let turns: any SessionTurns
    let warm: WarmContexts
    /// Contexts of renders without a session, kept for the next render of their origin.
    let recycled: RecycledContexts
    let profiles: ProfileBrowsers
    /// Sessions handed to CDP clients, and the tasks holding them.
    let handoffs: CDPHandoffs
    let handoffTasks = BackgroundTasks()
    /// Live views (`live.create`); their tasks run in `handoffTasks` too.
    let lives = LiveViews()
    let liveMetrics: LiveMetrics
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
        let locks = KeyedLock<SessionID>(maxWaiters: configuration.maxWaitingPerSession)
        self.locks = locks
        self.turns = sessions.cluster.map { LeasedSessionTurns(locks: locks, cluster: $0) }
            ?? LocalSessionTurns(locks: locks, store: sessions.store)
        self.warm = WarmContexts(pool: pool, logger: logger)
        let slots = pool.config.contextsPerBrowser * pool.config.maxPoolSize
        self.recycled = RecycledContexts(
            pool: pool, maxUses: configuration.recycleMaxUses, maxIdle: configuration.recycleMaxIdle ?? max(1, slots),
            metrics: RecycleMetrics(factory: metrics), logger: logger)
        let location = ProfileLocation(root: sessions.configuration.profilesDirectory)
        self.profileLocation = location
        self.profiles = ProfileBrowsers(
            root: location.root,
            configuration: .init(
                maxBrowsers: configuration.maxProfileBrowsers,
                idleTimeout: configuration.profileIdleTimeout ?? pool.config.idleTimeout),
            logger: logger
        ) { directory throws(LaunchError) in
            try await pool.launchDedicatedBrowser(userDataDir: directory, coverSharedWorkers: true)
        }
        self.handoffs = CDPHandoffs(maxBrowsers: configuration.maxCDPBrowsers, metrics: HandoffMetrics(factory: metrics))
        self.metrics = RenderMetrics(factory: metrics)
        self.liveMetrics = LiveMetrics(factory: metrics)
        self.gauges = PoolGauges(factory: metrics)
        self.logger = logger
        sessions.observeSessionEnds(self)
    }

    // MARK: render

    /// Serves one `render` call and measures it. Throws `RenderingError`, `RenderError` (the
    /// renderer's failures) or `SessionError` (the session's admission and store). In a cluster,
    /// a call for a session another live node owns throws `RenderingError.ownedElsewhere` before
    /// anything is counted, unless another node forwarded it here (`forwardedBy`). The call's
    /// `session_id` and profile are `tenant`'s. A session the call creates lives `sessionTTLSeconds`
    /// (a tenant preset's) when given, else the sessions' default ttl.
    public func render(
        _ params: RenderParams, tenant: TenantID = .default, forwardedBy: String? = nil, sessionTTLSeconds: Int? = nil
    ) async throws -> DynamicRenderResult {
        let receivedAt = ContinuousClock.now
        let metering = RenderMetering(ledger: sessions.usage)
        do {
            var result = try await renderChecked(
                params, tenant: tenant, receivedAt: receivedAt, forwardedBy: forwardedBy, metering: metering,
                sessionTTLSeconds: sessionTTLSeconds)
            result.usage = metering.settle()
            metrics.recordSuccess(result)
            return result
        } catch RenderingError.ownedElsewhere(let nodeID, let url) {
            // Served by the owner, measured (and metered) there.
            metering.settle()
            throw RenderingError.ownedElsewhere(nodeID: nodeID, advertiseURL: url)
        } catch {
            metering.settle()
            metrics.recordFailure(elapsed: ContinuousClock.now - receivedAt)
            throw error
        }
    }

    private func renderChecked(
        _ params: RenderParams, tenant: TenantID, receivedAt: ContinuousClock.Instant, forwardedBy: String?,
        metering: RenderMetering,
        sessionTTLSeconds: Int?
    ) async throws -> DynamicRenderResult {
        // Every param is checked before a session or a browser is touched.
        var request = try Renderer.preflight(RenderRequest(
            url: params.url, config: params.config ?? DynamicConfig(), stealth: params.stealth ?? .default,
            priority: params.priority ?? .normal, receivedAt: receivedAt
        ))
        request.meter = metering.meter
        let profile = try profileLocation.forTenant(tenant).profile(named: params.profile, userDataDir: params.userDataDir)
        if profile != nil, request.config.proxy != nil {
            throw RenderingError.invalidParams(
                field: "config.proxy", reason: "a profile renders in its own browser, whose default context takes no proxy")
        }
        guard let rawID = params.sessionId else {
            // The tenant's limits, before anything is leased.
            try await metering.admit(tenant)
            let profilePath = profile.map { ProfileLocation.path(of: $0, tenant: tenant) }
            request.stealthSeed = profilePath.map { "profile:" + $0 }
            if let profilePath {
                return try await renderer(ProfileContextProvider(browsers: profiles, profile: profilePath)).render(request).result
            }
            // No session: a fresh context, or one recycled from a render of the same tenant, origin
            // and stealth settings and reset since; nothing of an earlier render is carried over either way.
            guard let key = recycled.key(for: request, tenant: tenant) else {
                recycled.metrics.leased(.fresh)
                var result = try await renderer(pool).render(request).result
                result.context = .fresh
                return result
            }
            let provider = RecyclingContextProvider(recycled: recycled, key: key)
            var result = try await renderer(provider).render(request).result
            result.context = provider.context
            return result
        }
        guard SessionID.invalidReason(rawID) == nil, let id = try? SessionID(validating: rawID, tenant: tenant) else {
            throw RenderingError.invalidParams(field: "session_id", reason: SessionID.invalidReason(rawID) ?? "invalid")
        }
        return try await renderInSession(
            request, id: id, profile: profile, profileField: params.profile == nil ? "user_data_dir" : "profile",
            forwardedBy: forwardedBy, metering: metering, sessionTTLSeconds: sessionTTLSeconds)
    }

    /// Where the session is served (in a cluster), admission, then the session's turn, then the
    /// render with the session's state.
    private func renderInSession(
        _ request: CheckedRenderRequest, id: SessionID, profile: String?, profileField: String, forwardedBy: String?,
        metering: RenderMetering,
        sessionTTLSeconds: Int?
    ) async throws -> DynamicRenderResult {
        let store = sessions.store
        // Held by a controller on this node: refused at once (a hold on another node is found when
        // the lease is asked for).
        try sessions.holds.refuseIfHeld(id)
        // What is known of the session before admission: whether it exists and its profile (and,
        // in a cluster, where it lives — read without its browser state).
        let exists: Bool
        let bound: String?
        var placement = Placement.here(claimingOwnership: false, takeover: nil)
        if let cluster = sessions.cluster {
            let recorded = try await cluster.backend.placement(of: id)
            (exists, bound) = (recorded != nil, recorded?.profile)
            placement = await cluster.place(recorded, bindingProfile: bound == nil ? profile : nil, forwardedBy: forwardedBy)
        } else {
            let existing = try await store.backend.load(id)
            (exists, bound) = (existing != nil, existing?.profile)
        }
        if let bound {
            if let profile, bound != profile {
                throw RenderingError.invalidParams(field: profileField, reason: "session \(id) renders with profile \(bound)")
            }
            // A profile stored with the session is held to the same rule as one given now.
            try profileLocation.forTenant(id.tenant).checkNotLinkingOut(bound, field: "profile")
        }
        let claiming: Bool
        let takeover: Takeover?
        switch placement {
        case .owner(let node):
            throw RenderingError.ownedElsewhere(nodeID: node.nodeID, advertiseURL: node.advertiseURL)
        case .here(let claimingOwnership, let taken):
            (claiming, takeover) = (claimingOwnership, taken)
        }
        // The tenant's limits, before the session counts the call or anything is leased (on the
        // node that serves the call: a forwarded call is admitted once, there).
        try await metering.admit(id.tenant, session: id)
        // Counted before rendering, atomically: the call over max_requests gets -32003, nothing renders.
        // A session this call creates is admitted under the session cap's gate.
        // A profile named now is bound to a session that has none, in the same update.
        if !exists {
            _ = try await sessions.admittingNewSession(tenant: id.tenant) {
                try await store.beginRequest(id, createIfMissing: true, bindingProfile: profile, ttlSeconds: sessionTTLSeconds)
            }
        } else {
            // Created meanwhile by another call: the ttl it was created with stays.
            try await store.beginRequest(id, createIfMissing: true, bindingProfile: profile, ttlSeconds: sessionTTLSeconds)
        }
        let deadline = request.receivedAt + .milliseconds(request.config.effectiveTimeoutMs)
        var locked = false
        do {
            return try await turns.withTurn(id, deadline: deadline, claimingOwnership: claiming) { turn in
                locked = true
                return try await renderLocked(request, id: id, turn: turn, takeover: takeover)
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

    /// What seeds session `id`'s persona (its renders' and its hand-offs' alike), so it stays one
    /// across calls: its id, qualified by its tenant's outside the default tenant.
    static func stealthSeed(of id: SessionID) -> String {
        id.tenant.isDefault ? id.rawValue : "\(id.tenant)/\(id)"
    }

    /// Renders in the session's turn, from its state as the turn found it (the previous call has
    /// written back); writes back under the turn's lease, if any. A session taken over from another
    /// node (`takeover`) says so in the result's warnings.
    private func renderLocked(_ base: CheckedRenderRequest, id: SessionID, turn: SessionTurn, takeover: Takeover?)
        async throws -> DynamicRenderResult
    {
        guard let session = turn.session else { throw SessionError.notFound(id) }
        var request = base
        request.stealthSeed = Self.stealthSeed(of: id)
        request.collectState = true
        let provider: any ContextProvider
        var warmProvider: WarmContextProvider?
        if let profile = session.profile {
            // The profile's directory holds its storage; the session's cookies go on top.
            request.state = BrowserState(cookies: session.cookies)
            provider = ProfileContextProvider(browsers: profiles, profile: ProfileLocation.path(of: profile, tenant: id.tenant))
        } else {
            request.state = BrowserState(cookies: session.cookies, localStorage: session.localStorage)
            if session.keepWarm {
                let kept = WarmContextProvider(warm: warm, sessionID: id, session: session, settings: PageSettings(request))
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
        if let takeover {
            result.warnings.append(Self.takeoverWarning(takeover, session: session))
            sessions.cluster?.metrics.recordTakeover()
            logger.info(
                "session taken over", metadata: ["session_id": "\(id)", "from": "\(takeover.previousOwner)", "reason": "\(takeover.reason)"])
        }
        let persistCookies = sessions.configuration.persistCookies
        // Only the render's own cookie changes are written back: a cookies.* call made during the
        // render (on any node) is kept.
        var written = RequestOutcome(
            url: request.url, renderTimeMs: result.renderTimeMs,
            cookies: persistCookies ? outcome.state?.cookies : nil, cookiesBefore: session.cookies,
            localStorage: outcome.state?.localStorage
        )
        var stored: RpcSessionContext?
        do {
            stored = try await writeBack(id, written, turn: turn)
        } catch .invalidValue(_, let reason) {
            // Over the session's limits: keep the count and timing, not the state.
            result.warnings.append("the session's cookies and localStorage were not saved: \(reason)")
            written.cookies = nil
            written.localStorage = nil
            written.error = "browser state not saved: \(reason)"
            stored = try? await writeBack(id, written, turn: turn)
        } catch .notFound {
            result.warnings.append("the session was deleted during the render; nothing was saved")
        } catch .leaseLost {
            // This node outlived its lease (it froze, or lost the database for longer than the
            // lease): another node has the session now, and what this render saw must not
            // overwrite what that one writes.
            sessions.cluster?.metrics.recordLeaseLost()
            result.warnings.append(
                "this node's lease on the session ran out during the render and another node has the session now: "
                    + "nothing was saved (retry the call)")
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

    /// The turn's write-back: under its lease (ending it) in a cluster, plainly on one node.
    private func writeBack(_ id: SessionID, _ outcome: RequestOutcome, turn: SessionTurn) async throws(SessionError)
        -> RpcSessionContext
    {
        do throws(SessionError) {
            let stored = try await sessions.store.completeRequest(id, outcome, fence: turn.finalFence)
            turn.leaseEnded()
            return stored
        } catch .leaseLost {
            turn.leaseEnded()
            throw .leaseLost(id)
        }
    }

    /// What a render of a session taken over from a gone node says about it.
    static func takeoverWarning(_ takeover: Takeover, session: RpcSessionContext) -> String {
        var warning =
            "the session was taken over from node \(takeover.previousOwner) (\(takeover.reason)): "
            + "its cookies and localStorage came from the session database"
        if session.keepWarm { warning += ", and its warm context was rebuilt on this node" }
        if let profile = session.profile {
            warning +=
                "; profile \(profile) renders from this node's profiles directory, which holds what the other node's "
                + "copy held only if the profiles root is shared storage"
        }
        return warning
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

    /// Recycled contexts parked now.
    public var recycledCount: Int { recycled.count }

    /// What `pool.stats` answers: the pool's figures, plus the profile browsers, the number of
    /// sessions keeping a warm context and of recycled contexts parked.
    public func poolStats() async -> BrowserPoolStats {
        var stats = pool.stats()
        stats.profileBrowsers = await profiles.figures()
        stats.warmSessions = warm.count
        stats.recycledContexts = recycled.count
        return stats
    }

    /// Refreshes the pool gauges (when /metrics is scraped).
    public func refreshGauges() async {
        gauges.update(pool.stats(), profileBrowsers: await profiles.count)
        liveMetrics.record(running: lives.running.count)
    }

    /// What this node's heartbeat reports: the pool's utilization and the browsers running (pool
    /// and profiles).
    public func heartbeatFigures() async -> (load: Double, browsers: Int) {
        let stats = pool.stats()
        return (stats.utilization, stats.browsers.count + (await profiles.count))
    }

    /// Process ids of every browser the render path runs now (pool and profiles).
    public func browserPids() async -> [Int32] {
        pool.stats().browsers.compactMap(\.pid) + (await profiles.pids()) + handoffs.all.map(\.browser.pid)
    }
}

extension RenderService: SessionEndObserver {
    /// A session ended: its warm context goes back and its profile's browser closes (before the
    /// session service removes the profile directory).
    public func sessionEnded(_ id: SessionID, profile: String?) async {
        warm.release(id)
        for handoff in handoffs.handoffs(of: id) { handoff.end(.sessionDeleted) }
        for view in lives.running(of: id) { view.end(.sessionDeleted) }
        if let profile { await profiles.close(ProfileLocation.path(of: profile, tenant: id.tenant)) }
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
