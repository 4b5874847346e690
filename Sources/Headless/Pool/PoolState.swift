import AsyncSupport
import NIOCore
import RenderTypes

/// Side effects decided under the pool's lock and carried out after it is released.
enum PoolEffect {
    case resume(CheckedContinuation<Grant, Never>, Grant)
    case cancelTimer(Scheduled<Void>)
    case launch(BrowserID)
    case warm(BrowserID, LaunchedBrowser)
    case dispose(BrowserID, LaunchedBrowser, contextId: String)
    case close(BrowserID, LaunchedBrowser)
    case watch(BrowserID, LaunchedBrowser)
    case allClosed
}

/// The pool's state machine: every decision is a synchronous mutation under one lock that returns
/// the effects to perform. Record times use the pool clock; queue times are real instants.
struct PoolState {
    struct Counters {
        var restarts = 0
        var recycled = 0
        var launches = 0
        var launchFailures = 0
        var leasesServed = 0
        var hotLeases = 0
        var overloaded = 0
        var queueTimeouts = 0
    }

    /// Crashes within this window count towards the relaunch backoff.
    static let crashWindow: Duration = .seconds(60)

    let config: BrowserPoolConfig
    var browsers: [BrowserID: PooledBrowser] = [:]
    var nextBrowserId = 1
    var queue = LeaseQueue<Waiter>()
    var timers: [UInt64: Scheduled<Void>] = [:]
    var shuttingDown = false
    var consecutiveLaunchFailures = 0
    var crashesUnreplaced = 0
    var recentCrashes: [ContinuousClock.Instant] = []
    var lastLaunchError: String?
    /// Leases checked out beyond one closure (`BrowserPool.checkout`), by their id.
    var held: [UInt64: HeldRecord] = [:]
    /// Exponentially weighted mean time a lease is held (for `retryAfterMs`).
    var meanHoldMs: Double = 0
    var counters = Counters()

    init(config: BrowserPoolConfig) {
        self.config = config
    }

    // MARK: Leasing

    /// The browser a lease should go to: among ready browsers with a free slot, one holding a warm
    /// context if the lease can use one, then the least loaded, then the one warming the fewest contexts,
    /// then the one busy least recently, then the oldest. The last two keep a browser's background work
    /// (disposing the previous lease's context, creating its replacement: both on the browser's UI
    /// thread, where every CDP command of its pages passes) off the next lease's path: sequential leases
    /// alternate between browsers.
    func pick(needsFresh: Bool) -> BrowserID? {
        typealias Candidate = (id: BrowserID, warm: Bool, leased: Int, warming: Int, lastBusy: ContinuousClock.Instant)
        var best: Candidate?
        for (id, record) in browsers where record.phase == .ready && record.leased < config.contextsPerBrowser {
            let candidate: Candidate = (
                id, !needsFresh && !record.warm.isEmpty, record.leased, record.warming, record.lastBusy
            )
            guard let current = best else {
                best = candidate
                continue
            }
            let better =
                if candidate.warm != current.warm { candidate.warm }
                else if candidate.leased != current.leased { candidate.leased < current.leased }
                else if candidate.warming != current.warming { candidate.warming < current.warming }
                else if candidate.lastBusy != current.lastBusy { candidate.lastBusy < current.lastBusy }
                else { id < current.id }
            if better { best = candidate }
        }
        return best?.id
    }

    /// Reserves a slot (and a warm context when possible) for one lease.
    mutating func grant(needsFresh: Bool, now: ContinuousClock.Instant) -> Grant? {
        guard let id = pick(needsFresh: needsFresh), var record = browsers[id], let browser = record.browser else {
            return nil
        }
        record.leased += 1
        record.lastBusy = now
        defer { browsers[id] = record }
        if !needsFresh, !record.warm.isEmpty {
            counters.hotLeases += 1
            return .hot(id, record.warm.removeFirst())
        }
        return .create(id, browser)
    }

    /// Returns a lease's slot: counts it served, disposes its context (unless its browser crashed or
    /// closes), notices a crash the watcher has not reported yet, drains a browser that served
    /// `maxLeasesPerBrowser`, then serves the queue.
    mutating func releaseSlot(browser id: BrowserID, contextId: String, heldFor: Duration, now: ContinuousClock.Instant)
        -> (ending: BrowserPool.LeaseEnding, newlyCrashed: Bool, effects: [PoolEffect])
    {
        guard var record = browsers[id] else { return (.gone, false, []) }
        record.leased -= 1
        record.leasesServed += 1
        record.lastBusy = now
        counters.leasesServed += 1
        recordHold(heldFor)
        browsers[id] = record
        var effects: [PoolEffect] = []
        // The body may see the dead pipe before the crash watcher does: check the connection.
        var newlyCrashed = false
        if record.browser?.connection.closeReason != nil, let crash = markCrashed(id, now: now) {
            effects += crash
            newlyCrashed = true
            record = browsers[id] ?? record
        }
        let ending: BrowserPool.LeaseEnding = record.phase == .crashed ? .crashed : .normal
        if let browser = record.browser, record.phase != .crashed, record.phase != .closing {
            effects.append(.dispose(id, browser, contextId: contextId))
        }
        if config.maxLeasesPerBrowser > 0, record.leasesServed >= config.maxLeasesPerBrowser {
            effects += drain(id, reason: "served \(record.leasesServed) leases", recycle: true)
        }
        effects += settle(id) + rebalance(now: now)
        return (ending, newlyCrashed, effects)
    }

    // MARK: Held leases

    /// Whether a held lease's browser still takes leases (ready, connection open).
    func isServing(_ id: BrowserID) -> Bool {
        guard let record = browsers[id], record.phase == .ready, let browser = record.browser else { return false }
        return browser.connection.closeReason == nil
    }

    /// Gives back a held lease now (its context is disposed); nil when it was given back already.
    mutating func releaseHeld(_ heldId: UInt64, now: ContinuousClock.Instant)
        -> (ending: BrowserPool.LeaseEnding, newlyCrashed: Bool, effects: [PoolEffect])?
    {
        guard let lease = held.removeValue(forKey: heldId) else { return nil }
        return releaseSlot(
            browser: lease.browser, contextId: lease.contextId, heldFor: ContinuousClock.now - lease.checkedOutAt, now: now)
    }

    /// Gives back parked held leases, at most `limit`, those matching `predicate`: spares first, then
    /// each kind longest parked first.
    mutating func reclaimParked(
        limit: Int, now: ContinuousClock.Instant, where predicate: (HeldRecord) -> Bool = { _ in true }
    ) -> [PoolEffect] {
        guard limit > 0 else { return [] }
        let parked = held.filter { !$0.value.inUse && predicate($0.value) }
            .sorted { ($0.value.spare ? 0 : 1, $0.value.lastUsed) < ($1.value.spare ? 0 : 1, $1.value.lastUsed) }
            .prefix(limit)
        var effects: [PoolEffect] = []
        for (heldId, _) in parked {
            effects += releaseHeld(heldId, now: now)?.effects ?? []
        }
        return effects
    }

    /// A lease was queued: the pool needs slots, so parked held leases go back, one per queued lease.
    mutating func reclaimForQueue(now: ContinuousClock.Instant) -> [PoolEffect] {
        reclaimParked(limit: queue.count, now: now)
    }

    /// The parked held leases of browser `id` go back (it drains or crashed); no rebalancing here, the
    /// caller settles the browser. Held leases in use go back when their holder parks or returns them.
    mutating func releaseParked(on id: BrowserID) -> [PoolEffect] {
        guard var record = browsers[id] else { return [] }
        var effects: [PoolEffect] = []
        for (heldId, lease) in held where lease.browser == id && !lease.inUse {
            held[heldId] = nil
            record.leased -= 1
            record.leasesServed += 1
            counters.leasesServed += 1
            if let browser = record.browser, record.phase != .crashed, record.phase != .closing {
                effects.append(.dispose(id, browser, contextId: lease.contextId))
            }
        }
        browsers[id] = record
        return effects
    }

    /// Hands free slots to queued leases in priority order.
    mutating func dispatch(now: ContinuousClock.Instant) -> [PoolEffect] {
        var effects: [PoolEffect] = []
        while let head = queue.first, let grant = grant(needsFresh: head.payload.options.proxy != nil, now: now) {
            _ = queue.popFirst()
            if let timer = timers.removeValue(forKey: head.id) { effects.append(.cancelTimer(timer)) }
            effects.append(.resume(head.payload.continuation, grant))
        }
        return effects
    }

    /// Starts warming contexts until every ready browser holds `prewarmContexts` of them. With
    /// `onlyWhereExhausted` (right after a hot grant), only browsers left with none ready or warming:
    /// elsewhere the refill waits for the next release, so it does not compete on the CPU with the
    /// render that just took the context (the slowest part of a hot lease's first commands).
    mutating func topUp(onlyWhereExhausted: Bool = false) -> [PoolEffect] {
        var effects: [PoolEffect] = []
        for (id, var record) in browsers where record.phase == .ready {
            guard let browser = record.browser else { continue }
            if onlyWhereExhausted, record.warm.count + record.warming > 0 { continue }
            while record.warm.count + record.warming < config.prewarmContexts {
                record.warming += 1
                effects.append(.warm(id, browser))
            }
            browsers[id] = record
        }
        return effects
    }

    /// Launches browsers up to `minPoolSize`, and more (up to `maxPoolSize`) while queued leases
    /// outnumber the free slots.
    mutating func ensureCapacity(now: ContinuousClock.Instant) -> [PoolEffect] {
        guard !shuttingDown else { return [] }
        let active = browsers.values.filter(\.isActive)
        let perBrowser = config.contextsPerBrowser
        let minimum = config.enableRecovery ? config.minPoolSize : max(0, config.minPoolSize - crashesUnreplaced)
        var wanted = max(0, minimum - active.count)
        let free = active.reduce(0) { $0 + ($1.phase == .launching ? perBrowser : max(0, perBrowser - $1.leased)) }
        if queue.count > free {
            wanted = max(wanted, (queue.count - free + perBrowser - 1) / perBrowser)
        }
        wanted = min(wanted, config.maxPoolSize - active.count)
        return (0..<max(0, wanted)).map { _ in .launch(addBrowser(now: now)) }
    }

    mutating func addBrowser(now: ContinuousClock.Instant) -> BrowserID {
        let id = BrowserID(nextBrowserId)
        nextBrowserId += 1
        browsers[id] = PooledBrowser(id: id, now: now)
        return id
    }

    /// The usual follow-up of any change: serve the queue, keep warm contexts, keep enough browsers.
    mutating func rebalance(now: ContinuousClock.Instant) -> [PoolEffect] {
        dispatch(now: now) + topUp() + ensureCapacity(now: now)
    }

    // MARK: Draining and closing

    /// Stops new leases on a ready browser; it closes once its leases are done.
    mutating func drain(_ id: BrowserID, reason: String, recycle: Bool) -> [PoolEffect] {
        guard var record = browsers[id], record.phase == .ready, let browser = record.browser else { return [] }
        record.phase = .draining(reason: reason, recycle: recycle)
        if recycle { counters.recycled += 1 }
        let warm = record.warm
        record.warm = []
        browsers[id] = record
        return warm.map { .dispose(id, browser, contextId: $0.contextId) } + releaseParked(on: id) + settle(id)
    }

    /// Moves a drained browser to closing, and forgets a closed one once nothing refers to it.
    mutating func settle(_ id: BrowserID) -> [PoolEffect] {
        guard var record = browsers[id] else { return [] }
        var effects: [PoolEffect] = []
        // Contexts still warming need not delay the close: they fail at once when the browser goes.
        if case .draining = record.phase, record.leased == 0, let browser = record.browser {
            record.phase = .closing
            effects.append(.close(id, browser))
        }
        if record.phase == .closing || record.phase == .crashed, record.closed, record.leased == 0, record.warming == 0 {
            browsers[id] = nil
            if shuttingDown && browsers.isEmpty { effects.append(.allClosed) }
            return effects
        }
        browsers[id] = record
        return effects
    }

    /// A browser whose connection closed without our asking: no more leases, its warm contexts are
    /// gone, it gets reaped, and a replacement starts (with backoff). Nil if it is not live.
    mutating func markCrashed(_ id: BrowserID, now: ContinuousClock.Instant) -> [PoolEffect]? {
        guard var record = browsers[id], let browser = record.browser else { return nil }
        switch record.phase {
        case .closing, .crashed, .launching: return nil
        case .ready, .draining: break
        }
        record.phase = .crashed
        record.warm = []
        browsers[id] = record
        _ = releaseParked(on: id)
        counters.restarts += 1
        recentCrashes.append(now)
        recentCrashes.removeAll { now - $0 > Self.crashWindow }
        if !config.enableRecovery { crashesUnreplaced += 1 }
        return [.close(id, browser)] + rebalance(now: now)
    }

    /// Refuses every queued lease with `error`.
    mutating func failAllWaiters(_ error: PoolError) -> [PoolEffect] {
        let timers = self.timers.values.map { PoolEffect.cancelTimer($0) }
        self.timers = [:]
        return timers + queue.removeAll().map { .resume($0.payload.continuation, .failed(error)) }
    }

    /// Graceful shutdown: no new leases, queued ones refused, every browser drained.
    mutating func beginShutdown() -> [PoolEffect] {
        shuttingDown = true
        var effects = failAllWaiters(.shuttingDown)
        for id in browsers.keys {
            effects += drain(id, reason: "shutdown", recycle: false)
        }
        if browsers.isEmpty { effects.append(.allClosed) }
        return effects
    }

    // MARK: Figures

    /// A sensible wait before retrying when the queue is full: the mean lease time, scaled by how many
    /// leases stand before the caller per slot of capacity.
    func retryAfterMs() -> Int {
        let capacity = max(1, browsers.values.filter { $0.phase == .ready }.count * config.contextsPerBrowser)
        let mean = meanHoldMs > 0 ? meanHoldMs : 1000
        let estimate = mean * Double(queue.count + 1) / Double(capacity)
        return Int(min(30_000, max(50, estimate.rounded())))
    }

    /// Delay before the next launch: exponential in the consecutive launch failures and recent crashes.
    func launchDelay(now: ContinuousClock.Instant) -> Duration {
        let failures = consecutiveLaunchFailures + recentCrashes.filter { now - $0 < Self.crashWindow }.count
        guard failures > 0 else { return .zero }
        var delay = config.restartBackoff
        for _ in 1..<min(failures, 30) where delay < config.maxRestartBackoff { delay *= 2 }
        return min(delay, config.maxRestartBackoff)
    }

    mutating func recordHold(_ held: Duration) {
        let ms = Double(held.wholeMilliseconds)
        meanHoldMs = meanHoldMs == 0 ? ms : meanHoldMs * 0.9 + ms * 0.1
    }

    func stats(now: ContinuousClock.Instant) -> PoolStats {
        let records = browsers.values.sorted { $0.id < $1.id }
        let ready = records.filter { $0.phase == .ready }.count
        let leased = records.reduce(0) { $0 + $1.leased }
        let capacity = ready * config.contextsPerBrowser
        return PoolStats(
            browsers: records.map { record in
                var drainReason: String?
                if case .draining(let reason, _) = record.phase { drainReason = reason }
                return PoolStats.Browser(
                    id: record.id.rawValue, state: record.phase.name, drainReason: drainReason, pid: record.browser?.pid,
                    leased: record.leased, idleContexts: record.warm.count, warmingContexts: record.warming,
                    leasesServed: record.leasesServed,
                    ageSeconds: Double((now - record.startedAt).wholeMilliseconds) / 1000,
                    rssBytes: record.memory?.rssBytes, pssBytes: record.memory?.pssBytes,
                    processes: record.memory?.processes)
            },
            readyBrowsers: ready,
            contextsLeased: leased,
            contextsIdle: records.reduce(0) { $0 + $1.warm.count },
            contextsWarming: records.reduce(0) { $0 + $1.warming },
            contextsHeld: held.count,
            contextsParked: held.values.filter { !$0.inUse }.count,
            queueLength: queue.count,
            queueHigh: queue.count(of: .high),
            queueNormal: queue.count(of: .normal),
            queueLow: queue.count(of: .low),
            capacity: capacity,
            utilization: capacity > 0 ? Double(leased) / Double(capacity) : 0,
            restarts: counters.restarts,
            recycled: counters.recycled,
            launches: counters.launches,
            launchFailures: counters.launchFailures,
            leasesServed: counters.leasesServed,
            hotLeases: counters.hotLeases,
            overloadedRejections: counters.overloaded,
            queueTimeouts: counters.queueTimeouts,
            lastLaunchError: lastLaunchError,
            shuttingDown: shuttingDown)
    }
}
