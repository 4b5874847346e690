import Egress

/// A prewarmed (or freshly opened) context: context + page target + flattened attach + `Page.enable`.
struct WarmContext: Sendable {
    let contextId: String
    let page: CDPSession
    /// The browser's own user agent (`Browser.getVersion` at launch).
    let browserUserAgent: String
    /// The context's egress gate (nil without an egress policy); closed when the context is disposed.
    var egress: EgressGate? = nil
}

/// The pool's bookkeeping for one browser. Invariants: `leased ≤ contextsPerBrowser`,
/// `warm.count + warming ≤ prewarmContexts`; only `ready` browsers get new leases.
struct PooledBrowser {
    enum Phase: Equatable {
        case launching
        case ready
        /// No new leases; closes when the in-flight ones are done.
        case draining(reason: String, recycle: Bool)
        case closing
        /// The connection closed without our asking.
        case crashed

        var name: String {
            switch self {
            case .launching: "launching"
            case .ready: "ready"
            case .draining: "draining"
            case .closing: "closing"
            case .crashed: "crashed"
            }
        }
    }

    let id: BrowserID
    var phase: Phase = .launching
    var browser: LaunchedBrowser?
    /// Slots handed to leases (in use or having their context opened).
    var leased = 0
    var warm: [WarmContext] = []
    var warming = 0
    var leasesServed = 0
    var startedAt: ContinuousClock.Instant
    var lastBusy: ContinuousClock.Instant
    var memory: ProcessTable.Memory?
    /// The last health round found the browser over its memory threshold and gave back its parked
    /// spare contexts instead of draining it; still over at the next round, it drains.
    var relievedMemory = false
    /// `LaunchedBrowser.close()` has finished.
    var closed = false

    init(id: BrowserID, now: ContinuousClock.Instant) {
        self.id = id
        self.startedAt = now
        self.lastBusy = now
    }

    var isActive: Bool { phase == .launching || phase == .ready }
}

/// What a lease request got from the pool.
enum Grant: Sendable {
    /// A prewarmed context: hand it over.
    case hot(BrowserID, WarmContext)
    /// A reserved slot: open a context on this browser.
    case create(BrowserID, LaunchedBrowser)
    case failed(PoolError)
    case cancelled
}

/// A queued lease request.
struct Waiter {
    let continuation: CheckedContinuation<Grant, Never>
    let options: LeaseOptions
    let enqueuedAt: ContinuousClock.Instant
}

/// The pool's bookkeeping for a held lease (`BrowserPool.checkout`): its slot stays taken until it
/// is checked in or the pool takes it back while it is parked.
struct HeldRecord {
    let browser: BrowserID
    let contextId: String
    /// Real time of the checkout (for the mean hold time).
    let checkedOutAt: ContinuousClock.Instant
    /// In a call (unparked); the pool never takes back a lease in use.
    var inUse: Bool
    /// Pool-clock time it was last parked or checked out (for the idle limit).
    var lastUsed: ContinuousClock.Instant
    /// Kept only to save the next call a context (a recycled context), not promised to anyone (a
    /// keep_warm session's): when the pool needs slots or memory, parked spares go first.
    var spare = false
}
