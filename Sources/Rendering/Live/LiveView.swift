import AsyncSupport
public import Foundation
import Headless
public import SessionContext
import Synchronization

/// One live view of a session (`live.create`): a browser context of the pool showing the session's
/// page — the session's keep_warm context, or a fresh one with the session's cookies and
/// localStorage restored — that one viewer watches (and in control mode drives)
/// through the page `/live/{token}` serves. The token is single-use: the viewer's WebSocket claims
/// the view (`claim`). It ends on Done, `live.revoke`, its TTL, the session's deletion, the viewer
/// leaving or stalling; then (in control mode) the context's state is written back to the session,
/// the context goes back to the pool and `finished` answers (`RenderService.createLive`).
public final class LiveView: Sendable {
    /// The id `live.status|revoke|wait` name it by (not a credential: the token is).
    public let id: String
    public let sessionID: SessionID
    public let mode: LiveMode
    /// When the view ends at the latest (wall clock).
    public let expiresAt: Date

    /// The view's context, held (from the pool, or a profile's browser) until the view is over.
    let context: LiveContext
    /// The session's page in the view's context: the first tab.
    var page: CDPSession { context.page }
    /// The session's page and the windows opened from it; the one shown is screencast and takes input.
    let tabs: LiveTabs
    /// The tab shown now.
    var shownPage: CDPSession { tabs.active.session }
    private let claimed = Atomic<Bool>(false)
    /// Set once the view's context was given back, or kept for its keep_warm session (either happens
    /// once).
    private let released = Atomic<Bool>(false)
    /// Set once the tab strip went to the viewer.
    let tabsSent = Atomic<Bool>(false)
    private let ending = AsyncLatch<LiveEnd>()
    private let finishing = AsyncLatch<LiveEnd>()
    private let shown = Mutex<(url: String?, geometry: ScreencastGeometry?)>((nil, nil))
    /// Origins the page showed, whose localStorage is read back at the end.
    private let origins = Mutex<Set<String>>([])
    let counters = LiveCounters()
    let metrics: LiveMetrics
    /// Answers the proxy's challenges on the view's pages when its context's proxy asks for credentials.
    let proxyAuth: LiveProxyAuth?

    /// The largest frame sent to a viewer (base64 characters); a larger one is skipped (and acked).
    static let maxFrameBase64 = 8 << 20
    /// The largest message a viewer may send (a paste included).
    public static let maxViewerMessage = 256 << 10
    /// How long a frame may take to reach the viewer before it counts as gone (it stopped reading).
    public static let writeStall: Duration = .seconds(30)
    static let maxOrigins = 256

    init(
        id: String, sessionID: SessionID, mode: LiveMode, expiresAt: Date, context: LiveContext, metrics: LiveMetrics,
        proxyAuth: LiveProxyAuth? = nil
    ) {
        self.metrics = metrics
        self.proxyAuth = proxyAuth
        self.id = id
        self.sessionID = sessionID
        self.mode = mode
        self.expiresAt = expiresAt
        self.context = context
        self.tabs = LiveTabs(main: context.page)
    }

    /// Claims the view for the one viewer its token allows; false when a viewer claimed it already or
    /// it ended (a replayed token).
    public func claim() -> Bool {
        ending.current == nil && claimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    /// Whether a viewer has connected.
    public var isClaimed: Bool { claimed.load(ordering: .acquiring) }

    /// True the first time only: the caller gives the view's context back (or keeps it for the session).
    func takeRelease() -> Bool {
        released.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    /// Ends the view (the first reason given is kept).
    public func end(_ reason: LiveEnd) {
        ending.resolve(reason)
    }

    /// Why the view ended, once it did (its write-back may still run).
    public var endReason: LiveEnd? { ending.current }

    /// Waits until the view ends and returns why.
    public func ended() async -> LiveEnd {
        await ending.wait() ?? .serverStopping
    }

    /// How the view ended once it is over (state written back, browser closed); nil when `timeout`
    /// passes first.
    public func finished(timeout: Duration) async -> LiveEnd? {
        await finishing.wait(timeout: timeout)
    }

    /// How it ended, once it is over.
    public var finishedReason: LiveEnd? { finishing.current }

    func finish(_ reason: LiveEnd) {
        finishing.resolve(reason)
    }

    /// Waits until the view ends or `deadline` passes (then it expired).
    func waitForEnd(until deadline: ContinuousClock.Instant) async -> LiveEnd {
        let left = deadline - .now
        guard left > .zero else { return .expired }
        return await ending.wait(timeout: left) ?? .expired
    }

    /// The URL the page shows now.
    public var url: String? { shown.withLock { $0.url } }

    /// The geometry of the last frame sent to the viewer (where its input maps to).
    var geometry: ScreencastGeometry? { shown.withLock { $0.geometry } }

    func show(geometry: ScreencastGeometry) {
        shown.withLock { $0.geometry = geometry }
    }

    /// Notes that the page shows `url` (its origin's localStorage is read back at the end).
    func show(url: String) {
        shown.withLock { $0.url = url }
        note(url: url)
    }

    /// Notes that a tab showed `url`: its origin's localStorage is read back at the end.
    func note(url: String) {
        if let origin = Page.origin(of: url) {
            origins.withLock { if $0.count < Self.maxOrigins { $0.insert(origin) } }
        }
    }

    /// Shows tab `id` (input goes there from its first frame on); false when there is no such tab or
    /// it is shown already.
    @discardableResult
    func showTab(_ id: String) -> Bool {
        guard tabs.activate(id) else { return false }
        shown.withLock { $0.geometry = nil }
        return true
    }

    /// Forgets the last frame's geometry: input maps to nothing until the shown tab's first frame.
    func clearGeometry() {
        shown.withLock { $0.geometry = nil }
    }

    var seenOrigins: Set<String> { origins.withLock { $0 } }

    /// Frames sent to the viewer, and input events relayed to the page or dropped (view mode).
    public var framesSent: Int { counters.frames.load(ordering: .relaxed) }
    public var inputsRelayed: Int { counters.relayed.load(ordering: .relaxed) }
    public var inputsDropped: Int { counters.dropped.load(ordering: .relaxed) }
}
