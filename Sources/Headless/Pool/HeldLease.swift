public import Egress
public import RenderTypes
import Synchronization

/// A lease that outlives one closure: a keep_warm session's context, taken with
/// `BrowserPool.checkout` and given back with `checkin` — or dropped, which gives it back too (the
/// same guarantee as `withLease`: the context is disposed, never handed to another caller).
///
/// Between calls the holder parks it (`park`) and takes it again with `unpark`. The pool takes a
/// parked lease back by itself when it needs the slot (a lease is queued), when it sat parked for
/// `idleTimeout`, and when its browser drains (recycling, shutdown) or crashes; `unpark` then answers
/// false and the holder checks out a fresh one.
public final class HeldLease: Sendable {
    /// The pool's id of this held lease.
    public let id: UInt64
    /// Which browser holds the context.
    public let browser: BrowserID
    public let browserContextId: String
    /// The browser's own user agent, as it reported at launch.
    public let browserUserAgent: String
    public let options: LeaseOptions
    /// Time the checkout waited in the queue.
    public let queueDuration: Duration
    /// Time from `checkout` until the context was ready (queue and context creation).
    public let acquireDuration: Duration
    /// The context's egress gate (nil without an egress policy).
    public let egress: EgressGate?
    let pool: BrowserPool
    private let currentPage: Mutex<CDPSession>

    init(id: UInt64, lease: Lease, pool: BrowserPool) {
        self.id = id
        self.browser = lease.browser
        self.browserContextId = lease.browserContextId
        self.browserUserAgent = lease.browserUserAgent
        self.options = lease.options
        self.queueDuration = lease.queueDuration
        self.acquireDuration = lease.acquireDuration
        self.egress = lease.egress
        self.pool = pool
        self.currentPage = Mutex(lease.page)
    }

    /// The context's current page (replaced by `BrowserPool.renewPage`).
    public var page: CDPSession { currentPage.withLock { $0 } }

    /// Whether the pool still counts this lease as held (not checked in, not taken back).
    public var isHeld: Bool { pool.isHeld(id) }

    func replacePage(_ page: CDPSession) {
        currentPage.withLock { $0 = page }
    }

    deinit {
        pool.checkin(heldId: id)
    }
}

/// How a held lease came back (`BrowserPool.checkin`).
public enum HeldLeaseEnding: Sendable, Hashable {
    /// Given back; its context is being disposed.
    case returned
    /// Given back, and its browser had crashed meanwhile.
    case crashed
    /// It had been given back already (by an earlier checkin, or taken back by the pool).
    case alreadyReturned
}

extension BrowserPool {
    /// Checks out a lease that outlives one closure (see `HeldLease`); it starts in use. A `spare` one
    /// (a context kept only to spare the next call a fresh one) is the first the pool takes back while
    /// parked, when it needs slots or a browser is over its memory threshold. Throws like `withLease`
    /// does before its body runs: `PoolError` (overloaded, queue timeout, shutting down, launch or lease
    /// failure) or `CancellationError`.
    public func checkout(
        priority: RenderPriority = .normal, deadline: ContinuousClock.Instant, options: LeaseOptions = LeaseOptions(),
        spare: Bool = false
    ) async throws -> HeldLease {
        let lease = try await acquire(priority: priority, deadline: deadline, options: options)
        let id = nextHeldId.wrappingAdd(1, ordering: .relaxed).oldValue
        let now = clock.now
        withState { state in
            state.held[id] = HeldRecord(
                browser: lease.browser, contextId: lease.browserContextId, checkedOutAt: .now, inUse: true,
                lastUsed: now, spare: spare)
            return ((), [])
        }
        return HeldLease(id: id, lease: lease, pool: self)
    }

    /// Gives a held lease back: its context is disposed. Idempotent; never throws.
    @discardableResult
    public func checkin(_ held: HeldLease) -> HeldLeaseEnding {
        checkin(heldId: held.id)
    }

    /// Parks a held lease between calls; false when the pool took it back instead (a lease is queued,
    /// its browser drains or died, the pool shuts down) or it was given back already.
    public func park(_ held: HeldLease) -> Bool {
        let now = clock.now
        let (parked, newlyCrashed): (Bool, Bool) = withState { state in
            guard var record = state.held[held.id] else { return ((false, false), []) }
            guard state.isServing(record.browser), state.queue.isEmpty, !state.shuttingDown else {
                let released = state.releaseHeld(held.id, now: now)
                return ((false, released?.newlyCrashed ?? false), released?.effects ?? [])
            }
            record.inUse = false
            record.lastUsed = now
            state.held[held.id] = record
            return ((true, false), [])
        }
        if newlyCrashed { noteCrashAtRelease(held.browser) }
        return parked
    }

    /// Takes a parked lease for a call; false when the pool took it back meanwhile (or its browser no
    /// longer serves: it is then given back here).
    public func unpark(_ held: HeldLease) -> Bool {
        let now = clock.now
        return withState { state in
            guard var record = state.held[held.id] else { return (false, []) }
            guard state.isServing(record.browser) else {
                return (false, state.releaseHeld(held.id, now: now)?.effects ?? [])
            }
            record.inUse = true
            record.lastUsed = now
            state.held[held.id] = record
            return (true, [])
        }
    }

    /// Gives the held context a fresh page and closes the old one: cookies and storage stay (they
    /// belong to the context), while everything a call set on its page (init scripts, overrides,
    /// interception, event subscriptions) goes. Throws `CDPError` when the page cannot be opened.
    public func renewPage(_ held: HeldLease, timeout: Duration? = nil) async throws(CDPError) {
        let old = held.page
        let fresh = try await old.connection.openPage(
            in: held.browserContextId, windowSize: config.windowSize, timeout: timeout ?? config.contextTimeout)
        held.replacePage(fresh)
        _ = try? await old.connection.send(CDP.Target.CloseTarget(targetId: old.targetId), timeout: config.contextTimeout)
    }

    func isHeld(_ heldId: UInt64) -> Bool {
        state.withLock { $0.held[heldId] != nil }
    }

    @discardableResult
    func checkin(heldId: UInt64) -> HeldLeaseEnding {
        let now = clock.now
        let released: (ending: LeaseEnding, newlyCrashed: Bool, browser: BrowserID)? = withState { state in
            guard let browser = state.held[heldId]?.browser, let released = state.releaseHeld(heldId, now: now) else {
                return (nil, [])
            }
            return ((released.ending, released.newlyCrashed, browser), released.effects)
        }
        guard let released else { return .alreadyReturned }
        if released.newlyCrashed { noteCrashAtRelease(released.browser) }
        return released.ending == .crashed ? .crashed : .returned
    }
}
