import AsyncSupport
public import Egress
public import CoreMetrics
public import Logging
import NIOCore
import NIOPosix
public import RenderTypes
public import ServiceLifecycle
import Synchronization

/// A pool of Chromium browsers, each multiplexing isolated contexts. A lease is one fresh context
/// with one page on the least-loaded healthy browser; prewarmed contexts make a hot lease cost
/// microseconds. Leases queue by priority with the caller's deadline; the queue is bounded. The pool
/// scales between min and max browsers, health-checks, measures memory from /proc, recycles old or
/// bloated browsers after draining them, and replaces crashed ones with exponential backoff. It is a
/// swift-service-lifecycle `Service`: `run()` until shutdown, then it drains and closes every browser.
public final class BrowserPool: Service, Sendable {
    typealias Job = @Sendable () async -> Void
    typealias Launcher = @Sendable (LaunchOptions, Logger) async throws(LaunchError) -> LaunchedBrowser

    public let config: BrowserPoolConfig
    let clock: any PoolClock
    let logger: Logger
    let launcher: Launcher
    let state: Mutex<PoolState>
    let jobs: AsyncStream<Job>
    let jobSink: AsyncStream<Job>.Continuation
    let shutdownRequested = AsyncLatch<Void>()
    let allClosed = AsyncLatch<Void>()
    let running = Atomic<Bool>(false)
    private let nextWaiter = Atomic<UInt64>(1)
    let nextHeldId = Atomic<UInt64>(1)
    private let timerLoop: any EventLoop
    let metrics: PoolMetrics
    /// The egress gates of the pool's contexts (none without an egress policy).
    let egressGates: EgressGates

    /// A pool with `config` (normalized: min ≤ initial ≤ max, at least one context per browser),
    /// counting leases, refusals, launches and crashes through `metrics`.
    /// `resolver` turns names into addresses for the egress proxy (the system's by default).
    public convenience init(
        config: BrowserPoolConfig = BrowserPoolConfig(),
        clock: any PoolClock = SystemPoolClock(),
        metrics: any MetricsFactory = MetricsSystem.factory,
        resolver: any HostResolver = SystemHostResolver(),
        logger: Logger = Logger(label: "tidepool.pool")
    ) {
        self.init(config: config, clock: clock, metrics: metrics, resolver: resolver, logger: logger) {
            options, logger throws(LaunchError) in
            try await BrowserLauncher.launch(options, logger: logger)
        }
    }

    init(
        config: BrowserPoolConfig, clock: any PoolClock, metrics: any MetricsFactory = MetricsSystem.factory,
        resolver: any HostResolver = SystemHostResolver(), logger: Logger, launcher: @escaping Launcher
    ) {
        var config = config.normalized
        if config.egress != nil {
            // WebRTC's UDP does not go through a proxy: with an egress policy, only proxied (TCP)
            // WebRTC traffic is allowed, so a page cannot send STUN/TURN packets into a refused network.
            config.launch.extraFlags.append("--force-webrtc-ip-handling-policy=disable_non_proxied_udp")
        }
        self.config = config
        self.clock = clock
        self.metrics = PoolMetrics(factory: metrics)
        self.egressGates = EgressGates(
            proxy: config.egress.map { EgressProxy(policy: $0, resolver: resolver, logger: logger) })
        self.logger = logger
        self.launcher = launcher
        self.state = Mutex(PoolState(config: config))
        (jobs, jobSink) = AsyncStream<Job>.makeStream()
        timerLoop = MultiThreadedEventLoopGroup.singleton.next()
    }

    // MARK: Leasing

    /// Runs `body` with a lease and always disposes its context afterwards (success, throw, timeout,
    /// cancellation). Throws `PoolError` when no lease can be had (overloaded, queue timeout, shutting
    /// down, launch failure), `PoolError.browserCrashed` when the body failed because its browser died,
    /// `CancellationError` when cancelled while waiting, otherwise whatever `body` throws.
    public func withLease<T: Sendable>(
        priority: RenderPriority = .normal,
        deadline: ContinuousClock.Instant,
        options: LeaseOptions = LeaseOptions(),
        _ body: (Lease) async throws -> T
    ) async throws -> T {
        let lease = try await acquire(priority: priority, deadline: deadline, options: options)
        let bodyStarted = ContinuousClock.now
        let outcome: Result<T, any Error>
        do {
            outcome = .success(try await body(lease))
        } catch {
            outcome = .failure(error)
        }
        let ending = release(lease, heldFor: ContinuousClock.now - bodyStarted)
        switch outcome {
        case .success(let value):
            return value
        case .failure(let error):
            switch ending {
            case .crashed: throw PoolError.browserCrashed(browser: lease.browser)
            case .gone: throw error is CDPError ? PoolError.shuttingDown : error
            case .normal: throw error
            }
        }
    }

    /// Whether a lease waits for a slot now: a held lease parked now would be taken back at once.
    public var hasWaiters: Bool {
        state.withLock { !$0.queue.isEmpty }
    }

    /// A snapshot for /health and /metrics (memory figures from the last health check).
    public func stats() -> PoolStats {
        let now = clock.now
        return state.withLock { $0.stats(now: now) }
    }

    /// Launches a browser outside the pool with the pool's launch options and the given profile
    /// directory (kept on close): the dedicated browser a profile session needs (Chromium locks a
    /// profile to one process). The caller owns it and must `close()` it.
    /// With an egress policy, the browser is launched with its own egress gate as its proxy (its
    /// default context cannot be given one per context); the gate closes with the browser. With
    /// `userDataDir` nil the browser gets a fresh directory of its own, removed when it closes (a
    /// CDP client's browser). With `coverSharedWorkers`, the browser's new shared workers get the
    /// persona the renders in its default context registered (a profile's browser; not a CDP client's,
    /// whose persona `HandoffPersona` puts in place on a session of its own).
    public func launchDedicatedBrowser(userDataDir: String?, coverSharedWorkers: Bool = false) async throws(LaunchError)
        -> LaunchedBrowser
    {
        var options = config.launch
        options.userDataDir = userDataDir
        let gate: EgressGate?
        do {
            gate = try await egressGates.open(for: nil)
        } catch {
            throw .egressUnavailable("\(error)")
        }
        if let gate {
            options.extraFlags += ["--proxy-server=\(gate.proxyServer)", "--proxy-bypass-list=\(EgressGate.proxyBypassList)"]
        }
        do throws(LaunchError) {
            let browser = try await launcher(options, logger)
            if let gate { browser.attach(egress: gate) }
            if coverSharedWorkers {
                let (connection, logger) = (browser.connection, self.logger)
                browser.attach { await WorkerPersona.serveSharedWorkers(on: connection, logger: logger) }
            }
            return browser
        } catch {
            await gate?.close()
            throw error
        }
    }

    // MARK: Acquire and release

    func acquire(priority: RenderPriority, deadline: ContinuousClock.Instant, options: LeaseOptions) async throws
        -> Lease
    {
        let started = ContinuousClock.now
        var failures = 0
        while true {
            let grant = await obtainGrant(priority: priority, deadline: deadline, options: options)
            let granted = ContinuousClock.now
            switch grant {
            case .failed(let error):
                if case .overloaded = error { metrics.overloaded.increment() }
                throw error
            case .cancelled:
                throw CancellationError()
            case .hot(let id, let warm):
                if Task.isCancelled {
                    returnUnused(id, warm)
                    throw CancellationError()
                }
                metrics.hotLeases.increment()
                return Lease(
                    page: warm.page, browserContextId: warm.contextId, browserUserAgent: warm.browserUserAgent,
                    browser: id, options: options, wasPrewarmed: true, queueDuration: granted - started,
                    acquireDuration: .now - started, egress: warm.egress)
            case .create(let id, let browser):
                do throws(CDPError) {
                    let context = try await openContext(on: browser, id: id, proxy: options.proxy)
                    metrics.warmLeases.increment()
                    return Lease(
                        page: context.page, browserContextId: context.contextId,
                        browserUserAgent: context.browserUserAgent, browser: id, options: options, wasPrewarmed: false,
                        queueDuration: granted - started, acquireDuration: .now - started, egress: context.egress)
                } catch {
                    releaseFailedSlot(id, browser: browser, error: error)
                    if case .cancelled = error { throw CancellationError() }
                    if case .protocolError = error { throw PoolError.leaseFailed(browser: id, reason: error.description) }
                    failures += 1
                    if failures > config.maxRetries {
                        throw PoolError.leaseFailed(browser: id, reason: error.description)
                    }
                    logger.warning(
                        "context open failed; retrying", metadata: ["browser": "\(id)", "error": "\(error)"])
                }
            }
        }
    }

    /// A slot on some browser: at once if one is free and nobody more urgent waits, else in the queue.
    private func obtainGrant(priority: RenderPriority, deadline: ContinuousClock.Instant, options: LeaseOptions)
        async -> Grant
    {
        let needsFresh = options.proxy != nil
        let now = clock.now
        let fast: Grant? = withState { state in
            guard !state.shuttingDown, !state.queue.hasWaiter(atOrAbove: priority),
                let grant = state.grant(needsFresh: needsFresh, now: now)
            else { return (nil, []) }
            return (grant, state.topUp(onlyWhereExhausted: true))
        }
        if let fast { return fast }

        let id = nextWaiter.wrappingAdd(1, ordering: .relaxed).oldValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Grant, Never>) in
                let realNow = ContinuousClock.now
                let immediate: Grant? = withState { state in
                    if Task.isCancelled { return (.cancelled, []) }
                    if state.shuttingDown { return (.failed(.shuttingDown), []) }
                    if !state.queue.hasWaiter(atOrAbove: priority),
                        let grant = state.grant(needsFresh: needsFresh, now: now)
                    {
                        return (grant, state.topUp(onlyWhereExhausted: true))
                    }
                    if state.queue.count >= config.maxQueue {
                        state.counters.overloaded += 1
                        return (.failed(.overloaded(queueLength: state.queue.count, retryAfterMs: state.retryAfterMs())), [])
                    }
                    if deadline <= realNow {
                        state.counters.queueTimeouts += 1
                        return (.failed(.queueTimeout(waitedMs: 0)), [])
                    }
                    state.queue.append(
                        id: id, priority: priority,
                        payload: Waiter(continuation: continuation, options: options, enqueuedAt: realNow))
                    // Parked contexts of keep_warm sessions go back first: the pool needs the slots.
                    let reclaimed = state.reclaimForQueue(now: now)
                    return (nil, reclaimed + state.ensureCapacity(now: now))
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                    return
                }
                let limit = min(deadline, realNow + config.checkoutTimeout)
                let timer = timerLoop.scheduleTask(in: TimeAmount(limit - realNow)) { [weak self] () -> Void in
                    self?.expireWaiter(id)
                }
                let armed = state.withLock { state in
                    guard state.queue.contains(id: id) else { return false }
                    state.timers[id] = timer
                    return true
                }
                if !armed { timer.cancel() }
            }
        } onCancel: {
            removeWaiter(id, outcome: .cancelled)
        }
    }

    private func expireWaiter(_ id: UInt64) {
        removeWaiter(id, outcome: nil)
    }

    /// Takes a waiter out of the queue (deadline or cancellation) and resumes it.
    private func removeWaiter(_ id: UInt64, outcome: Grant?) {
        let realNow = ContinuousClock.now
        withState { state in
            let timer = state.timers.removeValue(forKey: id)
            guard let entry = state.queue.remove(id: id) else { return ((), timer.map { [.cancelTimer($0)] } ?? []) }
            let grant: Grant
            if let outcome {
                grant = outcome
            } else {
                state.counters.queueTimeouts += 1
                grant = .failed(.queueTimeout(waitedMs: entry.payload.enqueuedAt.milliseconds(until: realNow)))
            }
            return ((), (timer.map { [PoolEffect.cancelTimer($0)] } ?? []) + [.resume(entry.payload.continuation, grant)])
        }
    }

    /// How a lease ended, as far as its browser is concerned.
    enum LeaseEnding {
        case normal
        /// The browser crashed while the lease was out.
        case crashed
        /// The pool no longer knows the browser (it was closed at shutdown).
        case gone
    }

    /// Returns a lease's slot and disposes its context (in the background, so it happens also when
    /// the caller is cancelled). Synchronous: nothing can interrupt it.
    func release(_ lease: Lease, heldFor: Duration) -> LeaseEnding {
        let now = clock.now
        let (ending, newlyCrashed) = withState { state -> ((LeaseEnding, Bool), [PoolEffect]) in
            let released = state.releaseSlot(
                browser: lease.browser, contextId: lease.browserContextId, heldFor: heldFor, now: now)
            return ((released.ending, released.newlyCrashed), released.effects)
        }
        if newlyCrashed { noteCrashAtRelease(lease.browser) }
        return ending
    }

    /// Logs and counts a crash first noticed when a lease came back.
    func noteCrashAtRelease(_ browser: BrowserID) {
        logger.error("browser crashed", metadata: ["browser": "\(browser)", "noticed_by": "lease release"])
        metrics.crashes.increment()
    }

    /// A hot grant that was never used (its caller was cancelled): the context goes back untouched.
    private func returnUnused(_ id: BrowserID, _ warm: WarmContext) {
        let now = clock.now
        withState { state in
            guard var record = state.browsers[id] else { return ((), []) }
            record.leased -= 1
            var effects: [PoolEffect] = []
            if record.phase == .ready {
                record.warm.insert(warm, at: 0)
            } else if let browser = record.browser, record.phase != .crashed {
                effects.append(.dispose(id, browser, contextId: warm.contextId))
            }
            state.browsers[id] = record
            return ((), effects + state.settle(id) + state.rebalance(now: now))
        }
    }

    /// A reserved slot whose context could not be opened. A timeout means the browser struggles: it is
    /// drained and replaced. (A dead browser is handled by its watcher.)
    private func releaseFailedSlot(_ id: BrowserID, browser: LaunchedBrowser, error: CDPError) {
        let now = clock.now
        withState { state in
            state.browsers[id]?.leased -= 1
            var effects: [PoolEffect] = []
            if case .timeout = error {
                effects += state.drain(id, reason: "context open timed out", recycle: true)
            }
            return ((), effects + state.settle(id) + state.rebalance(now: now))
        }
        if case .browserClosed(let reason) = error {
            // Do not wait for the watcher: the retry must not pick this browser again.
            noteCrash(id, browser, reason: reason)
        }
    }

    // MARK: Contexts

    /// egress gate → context (its proxy the gate) → page target → flattened attach → `Page.enable`;
    /// on failure the context is disposed in the background (the calling task may be cancelled).
    func openContext(on browser: LaunchedBrowser, id: BrowserID, proxy: ProxyConfig?) async throws(CDPError)
        -> WarmContext
    {
        let connection = browser.connection
        let timeout = config.contextTimeout
        let gate = try await egressGates.open(for: proxy)
        let context: CDP.Target.CreateBrowserContext.Response
        do throws(CDPError) {
            context = try await connection.send(
                CDP.Target.CreateBrowserContext(
                    disposeOnDetach: true, proxyServer: gate?.proxyServer ?? proxy?.server,
                    proxyBypassList: gate == nil ? proxy?.bypass : EgressGate.proxyBypassList),
                timeout: timeout)
        } catch {
            if let gate { await gate.close() }
            throw error
        }
        if let gate { egressGates.register(gate, context: context.browserContextId, browser: id) }
        do throws(CDPError) {
            let page = try await connection.openPage(
                in: context.browserContextId, windowSize: config.windowSize, timeout: timeout)
            return WarmContext(
                contextId: context.browserContextId, page: page, browserUserAgent: browser.version.userAgent, egress: gate)
        } catch {
            perform([.dispose(id, browser, contextId: context.browserContextId)])
            throw error
        }
    }

    // MARK: Effects

    /// Runs `body` under the lock, then performs the effects it decided on.
    @discardableResult
    func withState<T>(_ body: @Sendable (inout PoolState) -> sending (T, [PoolEffect])) -> T {
        let (value, effects) = state.withLock { body(&$0) }
        perform(effects)
        return value
    }

    func perform(_ effects: [PoolEffect]) {
        for effect in effects {
            switch effect {
            case .resume(let continuation, let grant):
                continuation.resume(returning: grant)
            case .cancelTimer(let timer):
                timer.cancel()
            case .launch(let id):
                submit { await self.launchBrowser(id) }
            case .warm(let id, let browser):
                submit { await self.warmContext(id, on: browser) }
            case .dispose(let id, let browser, let contextId):
                submit { await self.disposeContext(contextId, id: id, on: browser) }
            case .close(let id, let browser):
                submit { await self.closeBrowser(id, browser) }
            case .watch(let id, let browser):
                submit { await self.watch(id, browser) }
                submit { await WorkerPersona.serveSharedWorkers(on: browser.connection, logger: self.logger) }
            case .allClosed:
                allClosed.resolve(())
            }
        }
    }

    /// Background work runs as child tasks of `run()`; after the pool stopped, it is dropped.
    private func submit(_ job: @escaping Job) {
        jobSink.yield(job)
    }
}

/// The pool's swift-metrics instruments, made through the factory the pool was given (the server's
/// registry in `tidepool serve`; the global system, a no-op until bootstrapped, by default).
struct PoolMetrics: Sendable {
    let hotLeases, warmLeases, overloaded, crashes, launches: Counter

    init(factory: any MetricsFactory) {
        hotLeases = Counter(label: "tidepool_pool_leases_total", dimensions: [("kind", "hot")], factory: factory)
        warmLeases = Counter(label: "tidepool_pool_leases_total", dimensions: [("kind", "created")], factory: factory)
        overloaded = Counter(label: "tidepool_pool_overloaded_total", factory: factory)
        crashes = Counter(label: "tidepool_pool_browser_crashes_total", factory: factory)
        launches = Counter(label: "tidepool_pool_browser_launches_total", factory: factory)
    }
}
