import AsyncSupport
public import Foundation
public import Headless
import RenderTypes
public import SessionContext
import Synchronization

/// One session handed to a CDP client (`session.connect`): a browser process of its own, started
/// with the session's cookies and localStorage, that one client drives through Tidepool's
/// WebSocket bridge (`claim`). It ends when the client disconnects or sends `Browser.close`, at its
/// TTL, when revoked or when the session is deleted; then the browser's state is written back to
/// the session and the browser closes (`RenderService.connectCDP`).
public final class CDPHandoff: Sendable {
    public let sessionID: SessionID
    /// When the hand-off ends at the latest (wall clock).
    public let expiresAt: Date
    /// The browser's `Browser.getVersion`, for the bridge's `/json/version`.
    public var version: CDP.Browser.GetVersion.Response { browser.version }

    let browser: LaunchedBrowser
    /// The process id of the hand-off's browser.
    public var pid: Int32 { browser.pid }
    private let claimed = Atomic<Bool>(false)
    private let ending = AsyncLatch<HandoffEnd>()
    let metrics: HandoffMetrics
    /// Origins the client's pages showed (from the browser's events), read back at the end.
    private let origins = Mutex<Set<String>>([])
    /// The URL the client's page showed last.
    private let lastURL = Mutex<String?>(nil)
    static let maxOrigins = 256
    /// The events whose URL is a page's (network events, far more frequent, name URLs too: not parsed).
    private static let urlEvents = ["Target.targetInfoChanged", "Target.targetCreated", "Page.frameNavigated"].map { Data($0.utf8) }

    init(sessionID: SessionID, expiresAt: Date, browser: LaunchedBrowser, metrics: HandoffMetrics) {
        self.metrics = metrics
        self.sessionID = sessionID
        self.expiresAt = expiresAt
        self.browser = browser
    }

    /// The one client connection a hand-off allows: a channel to the browser whose replies and
    /// events go to `deliver` (on the transport's thread: it must only enqueue). Nil when a client
    /// connected already or the hand-off ended.
    public func claim(deliver: @escaping @Sendable (Data) -> Void) -> CDPClientChannel? {
        guard ending.current == nil, claimed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return nil }
        return browser.connection.openClientChannel { [self] message in
            metrics.toClient(bytes: message.count)
            observe(message)
            deliver(message)
        }
    }

    /// Whether a client has connected.
    public var isClaimed: Bool { claimed.load(ordering: .acquiring) }

    /// Ends the hand-off (the first reason given is kept): the state is written back and the browser closes.
    public func end(_ reason: HandoffEnd) {
        ending.resolve(reason)
    }

    /// Waits until the hand-off ends and returns why.
    public func ended() async -> HandoffEnd {
        await ending.wait() ?? .serverStopping
    }

    /// Counts a message the client sent through the bridge.
    public func countFromClient(bytes: Int) {
        metrics.toBrowser(bytes: bytes)
    }

    /// Waits until the hand-off ends or `deadline` passes; one no client claimed within
    /// `connectTimeout` ends then (its browser is not kept idle for a whole TTL).
    func waitForEnd(until deadline: ContinuousClock.Instant, connectTimeout: Duration) async -> HandoffEnd {
        let connectBy = ContinuousClock.now + connectTimeout
        if connectBy < deadline {
            if let reason = await ending.wait(timeout: connectTimeout) { return reason }
            if !isClaimed { return .neverConnected }
        }
        let left = deadline - .now
        guard left > .zero else { return .ttl }
        return await ending.wait(timeout: left) ?? .ttl
    }

    var seenOrigins: Set<String> { origins.withLock { $0 } }
    var lastSeenURL: String? { lastURL.withLock { $0 } }

    /// Notes the URL of a page the client shows, from the events naming one (a cheap check first:
    /// most messages name none).
    private func observe(_ message: Data) {
        guard message.count < 64 * 1024, Self.urlEvents.contains(where: { message.range(of: $0) != nil }) else { return }
        guard let parsed = try? JSONParser.parse(message, strictness: .lenient), let method = parsed["method"]?.stringValue else {
            return
        }
        let url: String?
        switch method {
        case "Target.targetInfoChanged", "Target.targetCreated":
            let info = parsed["params"]?["targetInfo"]
            url = info?["type"]?.stringValue == "page" ? info?["url"]?.stringValue : nil
        case "Page.frameNavigated":
            url = parsed["params"]?["frame"]?["url"]?.stringValue
        default:
            url = nil
        }
        guard let url, let origin = Page.origin(of: url) else { return }
        lastURL.withLock { $0 = url }
        origins.withLock { if $0.count < Self.maxOrigins { $0.insert(origin) } }
    }
}

/// The hand-offs of this node by their token's hash (the token itself is never kept), and the
/// browsers they may run at once.
final class CDPHandoffs: Sendable {
    private struct State {
        var byToken: [String: CDPHandoff] = [:]
        var running = 0
    }

    let maxBrowsers: Int
    let metrics: HandoffMetrics
    private let state = Mutex(State())

    init(maxBrowsers: Int, metrics: HandoffMetrics) {
        self.maxBrowsers = max(1, maxBrowsers)
        self.metrics = metrics
    }

    /// Takes one of the browsers a hand-off may run; false when all run.
    func reserve() -> Bool {
        let running: Int? = state.withLock { state in
            guard state.running < maxBrowsers else { return nil }
            state.running += 1
            return state.running
        }
        if let running { metrics.setRunning(running) }
        return running != nil
    }

    /// Gives a browser back.
    func unreserve() {
        metrics.setRunning(state.withLock { state in
            state.running -= 1
            return state.running
        })
    }

    func register(_ handoff: CDPHandoff, tokenHash: String) {
        state.withLock { $0.byToken[tokenHash] = handoff }
    }

    func remove(tokenHash: String) {
        state.withLock { _ = $0.byToken.removeValue(forKey: tokenHash) }
    }

    func handoff(tokenHash: String) -> CDPHandoff? {
        state.withLock { $0.byToken[tokenHash] }
    }

    /// Every hand-off of `id`.
    func handoffs(of id: SessionID) -> [CDPHandoff] {
        state.withLock { $0.byToken.values.filter { $0.sessionID == id } }
    }

    var all: [CDPHandoff] { state.withLock { Array($0.byToken.values) } }

    /// Browsers running for hand-offs now.
    var running: Int { state.withLock { $0.running } }
}
