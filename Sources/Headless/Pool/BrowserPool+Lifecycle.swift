import AsyncSupport
import CoreMetrics
import Logging
import ServiceLifecycle
import Synchronization

extension BrowserPool {
    /// Starts the initial browsers and serves until graceful shutdown (then drains: in-flight leases
    /// finish, queued ones get `shuttingDown`, every browser closes) or cancellation (every browser is
    /// closed at once). When it returns, no browser of the pool runs. Call it once.
    public func run() async throws {
        guard running.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            preconditionFailure("BrowserPool.run() called twice")
        }
        let now = clock.now
        withState { state in
            // Leases may have arrived before run() and started browsers already.
            let active = state.browsers.values.filter(\.isActive).count
            let initial = (0..<max(0, config.initialPoolSize - active)).map { _ in
                PoolEffect.launch(state.addBrowser(now: now))
            }
            return ((), initial)
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.maintenanceLoop() }
                for await job in self.jobs {
                    group.addTask { await job() }
                }
            }
        } onGracefulShutdown: {
            self.requestShutdown()
        }
        await withoutCancellation { await self.closeEverything() }
        logger.info("browser pool stopped")
    }

    /// Begins a graceful shutdown (what SIGTERM does through a ServiceGroup).
    public func requestShutdown() {
        shutdownRequested.resolve(())
    }

    enum Wake { case tick, shutdown, cancelled }

    /// Health checks every interval until shutdown or cancellation.
    private func maintenanceLoop() async {
        while true {
            switch await nextWake(at: clock.now + config.healthCheckInterval) {
            case .tick:
                await maintain()
            case .shutdown:
                await drainAndClose()
                jobSink.finish()
                return
            case .cancelled:
                jobSink.finish()
                return
            }
        }
    }

    func nextWake(at deadline: ContinuousClock.Instant) async -> Wake {
        await withTaskGroup(of: Wake.self) { group in
            group.addTask {
                do {
                    try await self.clock.sleep(until: deadline)
                    return .tick
                } catch {
                    return .cancelled
                }
            }
            group.addTask {
                await self.shutdownRequested.wait() == nil ? .cancelled : .shutdown
            }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
    }

    /// Graceful: wait (bounded by `shutdownTimeout`) for in-flight leases, closing each browser as it
    /// empties; then close whatever is left.
    private func drainAndClose() async {
        logger.info("browser pool draining for shutdown")
        withState { state in ((), state.beginShutdown()) }
        if await allClosed.wait(timeout: config.shutdownTimeout) == nil {
            logger.warning("leases still running at shutdown timeout; closing browsers anyway")
            await closeEverything()
        }
    }

    /// Closes every browser the pool knows, now (also from a cancelled task).
    func closeEverything() async {
        let browsers: [LaunchedBrowser] = state.withLock { state in
            state.shuttingDown = true
            state.held = [:]
            var all: [LaunchedBrowser] = []
            for (id, var record) in state.browsers {
                if let browser = record.browser { all.append(browser) }
                if record.phase != .crashed { record.phase = .closing }
                state.browsers[id] = record
            }
            return all
        }
        await withoutCancellation {
            await withTaskGroup(of: Void.self) { group in
                for browser in browsers { group.addTask { await browser.close() } }
            }
            await self.egressGates.closeAll()
        }
        withState { state in
            state.browsers = state.browsers.filter { $0.value.phase == .launching }
            return ((), state.failAllWaiters(.shuttingDown) + (state.browsers.isEmpty ? [.allClosed] : []))
        }
    }

    // MARK: Browser jobs

    /// Starts one browser, retrying with exponential backoff up to `maxRetries` times. When every
    /// attempt failed and no browser is left to serve, queued leases fail with `launchFailed`.
    func launchBrowser(_ id: BrowserID) async {
        var attempts = 0
        while true {
            let delay = state.withLock { $0.launchDelay(now: clock.now) }
            if delay > .zero {
                logger.info("delaying browser launch", metadata: ["browser": "\(id)", "ms": "\(delay.wholeMilliseconds)"])
                guard await nextWake(at: clock.now + delay) == .tick else { return abandonLaunch(id) }
            }
            if state.withLock({ $0.shuttingDown }) { return abandonLaunch(id) }
            do throws(LaunchError) {
                let browser = try await launcher(config.launch, logger.with(metadata: ["browser": "\(id)"]))
                await adopt(browser, as: id)
                return
            } catch {
                if error == .cancelled { return abandonLaunch(id) }
                attempts += 1
                let exhausted = attempts > config.maxRetries
                logger.error("browser launch failed", metadata: ["browser": "\(id)", "error": "\(error)", "attempt": "\(attempts)"])
                let gaveUp: Bool = withState { state in
                    state.consecutiveLaunchFailures += 1
                    state.counters.launchFailures += 1
                    state.lastLaunchError = error.description
                    guard exhausted else { return (false, []) }
                    state.browsers[id] = nil
                    var effects: [PoolEffect] = []
                    if !state.browsers.values.contains(where: \.isActive) {
                        effects = state.failAllWaiters(.launchFailed(error.description))
                    }
                    if state.shuttingDown && state.browsers.isEmpty { effects.append(.allClosed) }
                    return (true, effects)
                }
                if gaveUp { return }
            }
        }
    }

    /// A freshly launched browser joins the pool (or is closed at once if the pool is stopping).
    private func adopt(_ browser: LaunchedBrowser, as id: BrowserID) async {
        let memory = ProcessTable.memory(ofGroup: browser.pid)
        let now = clock.now
        let accepted: Bool = withState { state in
            guard !state.shuttingDown, var record = state.browsers[id], record.phase == .launching else {
                return (false, [])
            }
            record.phase = .ready
            record.browser = browser
            record.startedAt = now
            record.lastBusy = now
            record.memory = memory
            state.browsers[id] = record
            state.consecutiveLaunchFailures = 0
            state.lastLaunchError = nil
            state.counters.launches += 1
            return (true, [.watch(id, browser)] + state.rebalance(now: now))
        }
        metrics.launches.increment()
        if accepted {
            logger.info("browser ready", metadata: ["browser": "\(id)", "pid": "\(browser.pid)"])
        } else {
            await browser.close()
            abandonLaunch(id)
        }
    }

    private func abandonLaunch(_ id: BrowserID) {
        withState { state in
            state.browsers[id] = nil
            return ((), state.shuttingDown && state.browsers.isEmpty ? [.allClosed] : [])
        }
    }

    /// Waits for a browser's connection to close; if we did not close it, it crashed.
    func watch(_ id: BrowserID, _ browser: LaunchedBrowser) async {
        guard let reason = await browser.connection.closed() else { return }
        noteCrash(id, browser, reason: reason)
    }

    /// Records that a browser's connection closed without our asking (once, whoever notices first).
    func noteCrash(_ id: BrowserID, _ browser: LaunchedBrowser, reason: String) {
        let now = clock.now
        let crashed: Bool = withState { state in
            guard state.browsers[id]?.browser === browser, let effects = state.markCrashed(id, now: now) else {
                return (false, [])
            }
            return (true, effects)
        }
        if crashed {
            logger.error("browser crashed", metadata: ["browser": "\(id)", "pid": "\(browser.pid)", "reason": "\(reason)"])
            metrics.crashes.increment()
        }
    }

    /// Closes a drained or crashed browser (reaping it and removing its temporary profile).
    func closeBrowser(_ id: BrowserID, _ browser: LaunchedBrowser) async {
        await browser.close()
        await egressGates.close(browser: id)
        let now = clock.now
        withState { state in
            state.browsers[id]?.closed = true
            return ((), state.settle(id) + state.rebalance(now: now))
        }
    }

    /// Prewarms one context on a ready browser; a waiting lease takes it at once.
    func warmContext(_ id: BrowserID, on browser: LaunchedBrowser) async {
        let outcome: Result<WarmContext, CDPError>
        do throws(CDPError) {
            outcome = .success(try await openContext(on: browser, id: id, proxy: nil))
        } catch {
            outcome = .failure(error)
        }
        let now = clock.now
        withState { state in
            guard var record = state.browsers[id], record.browser === browser else {
                if case .success(let warm) = outcome { return ((), [.dispose(id, browser, contextId: warm.contextId)]) }
                return ((), [])
            }
            record.warming -= 1
            var effects: [PoolEffect] = []
            switch outcome {
            case .success(let warm):
                if record.phase == .ready {
                    record.warm.append(warm)
                } else if record.phase != .crashed {
                    effects.append(.dispose(id, browser, contextId: warm.contextId))
                }
                state.browsers[id] = record
                effects += state.settle(id) + state.rebalance(now: now)
            case .failure(let error):
                state.browsers[id] = record
                // While a browser closes or the pool stops, failing to warm is expected.
                var expected = record.phase != .ready || state.shuttingDown
                if case .cancelled = error { expected = true }
                logger.log(
                    level: expected ? .debug : .warning,
                    "prewarming a context failed", metadata: ["browser": "\(id)", "error": "\(error)"])
                if case .timeout = error {
                    effects += state.drain(id, reason: "context open timed out", recycle: true)
                }
                // No top-up here: retrying at once could spin; the next release or check does it.
                effects += state.settle(id) + state.dispatch(now: now) + state.ensureCapacity(now: now)
            }
            return ((), effects)
        }
    }

    /// Disposes a finished lease's context. A dispose that times out marks the browser unhealthy.
    func disposeContext(_ contextId: String, id: BrowserID, on browser: LaunchedBrowser) async {
        await disposeInBrowser(contextId, id: id, on: browser)
        // Its way out closes after it: nothing of the context can connect meanwhile.
        await egressGates.close(context: contextId)
    }

    private func disposeInBrowser(_ contextId: String, id: BrowserID, on browser: LaunchedBrowser) async {
        guard browser.connection.closeReason == nil else { return }
        do throws(CDPError) {
            _ = try await browser.connection.send(
                CDP.Target.DisposeBrowserContext(browserContextId: contextId), timeout: config.contextTimeout)
        } catch {
            switch error {
            case .browserClosed, .cancelled, .protocolError, .targetClosed:
                // Gone already, or the pool is stopping: nothing left to dispose.
                return
            case .timeout, .invalidResponse:
                logger.warning("context dispose failed; draining browser", metadata: ["browser": "\(id)", "error": "\(error)"])
                withState { state in ((), state.drain(id, reason: "context dispose failed", recycle: true)) }
            }
        }
    }
}
