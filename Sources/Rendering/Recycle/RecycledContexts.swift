import Headless
import Logging
import RenderTypes
import SessionContext
import Synchronization

/// Contexts of renders without a session kept for the next render of the same origin (issue: a
/// page that stays on one site keeps its renderer process, and starting that process is most of a
/// render's CPU). Each is a held lease of the pool (`BrowserPool.checkout`), parked between renders
/// on the render's document with its scripts off and a gate for the next document installed
/// (`Page.settleForRecycling`); the next render's navigation clears everything of this one at the
/// gate and checks it (`RecycleGate`), or runs in a fresh context instead.
///
/// The settling runs after the render's result went out, in a task of its own bounded by `resetTimeout`.
/// A context is lent again only to a render of the same tenant and origin with the same stealth settings (the
/// persona's overrides are re-applied, not undone), at most `maxUses` times in all, and never after a
/// render that failed or whose settling failed. The pool takes a parked context back
/// by itself when it needs the slot (a queue formed), after its `idle_timeout`, and when its browser
/// drains or crashes; at most `maxIdle` wait at once, the oldest going first.
final class RecycledContexts: Sendable {
    /// Which renders may share a context.
    struct Key: Hashable, Sendable {
        /// The caller's tenant: a context never passes from one tenant to another.
        let tenant: TenantID
        /// `scheme://host[:port]` of the render's URL.
        let origin: String
        /// What the persona's overrides (re-applied, not undone, by the next render) are made of.
        let settings: PageSettings
    }

    struct Entry: Sendable {
        let held: HeldLease
        /// Renders served so far.
        let uses: Int
        /// What the next render's navigation passes.
        let gate: RecycleGate
    }

    /// A reset running now: its key, its task, and whether a render already waits for it.
    struct RunningReset {
        let key: Key
        let task: Task<Void, Never>
        var awaited = false
    }

    let pool: BrowserPool
    let maxUses: Int
    let maxIdle: Int
    let metrics: RecycleMetrics
    let logger: Logger
    private let idle = Mutex<[(key: Key, entry: Entry)]>([])

    /// Resets running now, by number: awaited by at most one render of their key, cancelled by `releaseAll`.
    private let resets = Mutex<(next: UInt64, running: [UInt64: RunningReset])>((0, [:]))

    /// How long a reset may take before the context is given up.
    static let resetTimeout: Duration = .seconds(5)

    init(pool: BrowserPool, maxUses: Int, maxIdle: Int, metrics: RecycleMetrics, logger: Logger) {
        self.pool = pool
        self.maxUses = max(1, maxUses)
        self.maxIdle = max(0, maxIdle)
        self.metrics = metrics
        self.logger = logger
    }

    /// Contexts waiting now.
    var count: Int { idle.withLock { $0.count } }

    /// The key a render of `request` by `tenant` is served under, or nil when it must have a fresh context: a
    /// proxy, `isolation: "fresh"`, recycling off, the page's JavaScript off (the gate is a script), or a
    /// URL without an http(s) origin.
    func key(for request: CheckedRenderRequest, tenant: TenantID) -> Key? {
        guard maxUses > 1, maxIdle > 0, request.config.proxy == nil, request.config.effectiveIsolation == .recycled,
            request.config.effectiveJavascriptEnabled,
            let origin = Page.origin(of: request.url)
        else { return nil }
        return Key(tenant: tenant, origin: origin, settings: PageSettings(request))
    }

    /// A parked context for `key`, taken for a render — or, when none is parked but one of `key` is
    /// being reset and no other render waits for it, that one once its reset ends (a reset takes
    /// tens of milliseconds; a fresh context costs a renderer process). Nil when none can serve
    /// (those the pool took back meanwhile are dropped on the way).
    func take(_ key: Key) async -> Entry? {
        if let parked = takeParked(key) { return parked }
        let pending = resets.withLock { state -> Task<Void, Never>? in
            guard let (number, reset) = state.running.first(where: { $0.value.key == key && !$0.value.awaited }) else {
                return nil
            }
            state.running[number]?.awaited = true
            return reset.task
        }
        guard let pending else { return nil }
        await pending.value
        return takeParked(key)
    }

    private func takeParked(_ key: Key) -> Entry? {
        while let entry = idle.withLock({ list -> Entry? in
            guard let index = list.lastIndex(where: { $0.key == key }) else { return nil }
            return list.remove(at: index).entry
        }) {
            if entry.held.page.closeReason == nil, pool.unpark(entry.held) { return entry }
            pool.checkin(entry.held)
        }
        return nil
    }

    /// After its reset: parks the context for the next render of `key`, unless the pool needs the
    /// slot. The oldest waiting context goes when more than `maxIdle` would wait.
    private func keep(_ key: Key, _ held: HeldLease, uses: Int, gate: RecycleGate) {
        guard pool.park(held) else { return }
        let evicted = idle.withLock { list -> [Entry] in
            list.removeAll { !$0.entry.held.isHeld }
            list.append((key, Entry(held: held, uses: uses, gate: gate)))
            guard list.count > maxIdle else { return [] }
            let excess = list.count - maxIdle
            defer { list.removeFirst(excess) }
            return list.prefix(excess).map(\.entry)
        }
        for entry in evicted { pool.checkin(entry.held) }
    }

    /// After a render that may leave its context for the next one: settles the page in the background
    /// (the caller has its result already), then parks it for `key` — or gives it back when that
    /// failed. The context stays leased meanwhile.
    func reset(_ key: Key, _ held: HeldLease, uses: Int, origins: Set<String>, initScripts: [String]) {
        guard uses < maxUses else {
            metrics.retired(.uses)
            pool.checkin(held)
            return
        }
        // A render waits for a slot: the pool would take the context back the moment it is parked,
        // so resetting it would be work thrown away (measured: many sites at 8 callers).
        guard !pool.hasWaiters else {
            metrics.retired(.pressure)
            pool.checkin(held)
            return
        }
        // Made under the lock, so the task's own removal at its end always comes after its entry.
        resets.withLock { state in
            let number = state.next
            state.next += 1
            let task = Task { [self] in
                defer { _ = resets.withLock { $0.running.removeValue(forKey: number) } }
                let gate: RecycleGate
                do {
                    gate = try await Page.with(session: held.page, browserContextId: held.browserContextId, logger: logger) { page in
                        try await page.settleForRecycling(
                            origin: key.origin, clearing: origins, initScripts: initScripts, timeout: Self.resetTimeout)
                    }
                } catch {
                    // Stopped by `releaseAll` (the server stops): not the context's fault.
                    if !Task.isCancelled {
                        metrics.retired(.refused)
                        logger.debug("recycled context not reset", metadata: ["origin": "\(key.origin)", "error": "\(error)"])
                    }
                    pool.checkin(held)
                    return
                }
                guard !Task.isCancelled else {
                    pool.checkin(held)
                    return
                }
                keep(key, held, uses: uses, gate: gate)
            }
            state.running[number] = RunningReset(key: key, task: task)
        }
    }

    /// Gives every waiting context back and stops the resets in flight (the server stops).
    func releaseAll() {
        for reset in resets.withLock({ Array($0.running.values) }) { reset.task.cancel() }
        for entry in idle.withLock({ list in defer { list = [] }; return list.map(\.entry) }) {
            pool.checkin(entry.held)
        }
    }
}
