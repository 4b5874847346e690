import Foundation
import Logging
import RenderTypes
import Synchronization

/// What the page driver learns from one page's CDP events: the main frame's documents and their
/// lifecycle (DOMContentLoaded, load), requests in flight (for network idle), the network log, the
/// main document's HTTP status, console messages, the page's own frames and popups, the windows it
/// opened and its downloads. Waiters sleep until the state they need changes.
/// Every buffer is bounded (`Limits`); what does not fit is counted, never kept.
final class PageMonitor: Sendable {
    struct Limits: Sendable {
        var maxNetworkEntries = 2_000
        var maxConsoleEntries = 1_000
        var maxConsoleTextLength = 8_192
        /// Lifecycle sets kept for this many documents (older ones are forgotten).
        var maxLoaders = 16
        /// URLs of opened windows kept; the rest are counted.
        var maxPopups = RenderLimits.maxReportedPopups
        /// Downloads kept; the rest are counted.
        var maxDownloads = RenderLimits.maxReportedDownloads
        /// Frame and popup ids remembered as the page's own (downloads from others are not the page's).
        var maxOwnFrames = 2_000
    }

    /// One request of the network log, times in CDP's monotonic seconds.
    struct NetworkRecord: Sendable {
        var url: String
        var method: String
        var resourceType: String
        var start: Double
        var end: Double?
        var status: Int?
        var bytes: Int = 0
        var error: String?
    }

    struct State {
        static let finishedMemory = 2_048
        var mainFrameId: String
        /// The main frame's current (committed) document.
        var mainLoaderId: String?
        /// Lifecycle event names seen per main-frame document.
        var lifecycle: [String: Set<String>] = [:]
        var inflight: Set<String> = []
        /// Requests that finished, at least the latest `State.finishedMemory` of them: a worker's script may be
        /// announced again on the worker after it finished (events of two sessions), which must not
        /// open it again.
        var finished: Set<String> = []
        var finishedOrder: [String] = []
        var lastNetworkChange: ContinuousClock.Instant
        var records: [NetworkRecord] = []
        var recordIndex: [String: Int] = [:]
        var networkDropped = 0
        /// HTTP status of each main-frame document, and of the latest one.
        var documentStatus: [String: Int] = [:]
        var lastDocumentStatus: Int?
        var console: [ConsoleEntry] = []
        var consoleDropped = 0
        /// The page's frames and the popups it opened (a popup's main frame id is its target id).
        var ownFrames: Set<String>
        /// URLs of the windows the page opened, in order.
        var popups: [String] = []
        var popupsDropped = 0
        var downloads: DownloadLog
        var closedReason: String?
        /// Bytes the page's requests received (encoded, as `Network.loadingFinished` and redirect
        /// responses report them) and sent (`Request.approximateSize`), every request counted,
        /// whether the network log kept it or not.
        var bytesIn = 0
        var bytesOut = 0
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
        /// While a recycled page's next document passes its gate (`Page.armGate` … `Page.passGate`).
        var gate: GateWatch?
        /// Requests the page's log never shows (the previous document's, the gate's own): their later
        /// events are dropped too. At most `State.finishedMemory` are remembered.
        var ignored: Set<String> = []

        /// Whether `name` fired for the main frame's current document (`loaderId`, or the current one).
        func reached(_ name: String, loaderId: String?) -> Bool {
            guard let loader = loaderId ?? mainLoaderId else {
                return lifecycle.values.contains { $0.contains(name) }
            }
            return lifecycle[loader]?.contains(name) ?? false
        }
    }

    /// What the monitor follows while a recycled page's next document passes its gate.
    struct GateWatch {
        enum Phase: Sendable, Equatable {
            /// Set up; the main frame's next document has not answered yet.
            case armed
            /// The document's response is in, and the page's scripts run again.
            case resumed
            /// The gate's clears and checks came back clean, and the document was let on.
            case passed
            case failed(String)
        }
        var phase = Phase.armed
        /// Until the gate's request is seen, what the page reports is the previous document's (its
        /// timers until the new document commits, its unload handlers, the end of its requests): not
        /// this render's. The gate's request marks the point in the page's event stream: the new
        /// document sends it before any of its own scripts run. (`Page.frameNavigated` does not: the
        /// previous document's console messages were measured arriving after it.)
        var quiet = true
        /// The main frame committed a document since the gate was set up.
        var committed = false
        /// Cookies sent with each request, by id (`Network.requestWillBeSentExtraInfo`), at most 256.
        var cookiesSent: [String: Int] = [:]
        /// How a main-frame document was answered when not from the network ("cache", "service worker").
        var documentNotFromNetwork: String?
        /// The main frame stopped loading after its next document committed: a document held at the
        /// gate cannot, so one that did went on without it (or the gate script stopped it).
        var stoppedAfterCommit = false
        /// The document each gate request came from: its loader, by request id (at most 16).
        var gateLoaders: [String: String] = [:]
        /// The request id (`Fetch.requestPaused`'s `networkId`) of the gate request that passed.
        var passedRequest: String?
    }

    /// How a wait ended when it did not get its value.
    enum WaitFailure: Error, Sendable, Equatable {
        case timedOut
        case closed(String)
        /// The waiting task was cancelled.
        case cancelled
    }

    /// What a wait's check says about the current state.
    enum Step: Sendable {
        case done
        /// Not yet; look again at `wakeBy` at the latest (time-based conditions), else on the next change.
        case pending(wakeBy: ContinuousClock.Instant?)
    }

    typealias Check = @Sendable (State, ContinuousClock.Instant) -> Step

    /// A task waiting for a condition: its check runs under the lock on every change, so the task only
    /// wakes when the condition holds, the page closes, or its own timer fires.
    struct Waiter {
        var check: Check
        var deadline: ContinuousClock.Instant
        /// When the timer must look again (the deadline, or earlier for time-based conditions).
        var nextWake: ContinuousClock.Instant
        var continuation: CheckedContinuation<Result<Void, WaitFailure>, Never>?
    }

    let limits: Limits
    private let state: Mutex<State>
    let clock = ContinuousClock()

    init(mainFrameId: String, limits: Limits = Limits()) {
        self.limits = limits
        self.state = Mutex(
            State(
                mainFrameId: mainFrameId, lastNetworkChange: ContinuousClock.now, ownFrames: [mainFrameId],
                downloads: DownloadLog(limit: limits.maxDownloads)
            )
        )
    }

    /// Reads the state.
    func read<T>(_ body: (State) -> T) -> T { state.withLock { body($0) } }

    // MARK: Events

    /// The network events the monitor follows (a related target's are forwarded to its page's monitor).
    static let networkEvents: Set<String> = [
        "Network.requestWillBeSent", "Network.responseReceived", "Network.loadingFinished", "Network.loadingFailed",
    ]

    /// Applies one event; wakes every waiter when something changed.
    func handle(_ event: CDPEvent) {
        switch event.method {
        case "Page.lifecycleEvent":
            guard let e = try? event.decodeParams(as: CDP.Page.LifecycleEvent.self) else { return }
            update { s in
                guard e.frameId == s.mainFrameId else { return false }
                if e.name == "init" || e.name == "commit" { s.mainLoaderId = e.loaderId }
                s.lifecycle[e.loaderId, default: []].insert(e.name)
                if s.lifecycle.count > limits.maxLoaders, let current = s.mainLoaderId {
                    s.lifecycle = s.lifecycle.filter { $0.key == current }
                }
                return true
            }
        case "Page.frameNavigated":
            guard let e = try? event.decodeParams(as: CDP.Page.FrameNavigated.self), e.frame.parentId == nil else {
                return
            }
            update { s in
                s.gate?.committed = true
                s.mainFrameId = e.frame.id
                s.mainLoaderId = e.frame.loaderId
                s.own(e.frame.id, limit: limits.maxOwnFrames)
                return true
            }
        case "Page.frameAttached":
            guard let e = try? event.decodeParams(as: CDP.Page.FrameAttached.self) else { return }
            update { s in
                s.own(e.frameId, limit: limits.maxOwnFrames)
                // A download of this frame may be waiting to be claimed: its waiters look again.
                return s.downloads.hasUnclaimed
            }
        case "Page.frameStoppedLoading":
            guard read({ $0.gate?.committed == true }), let frameId = event.params["frameId"]?.stringValue else { return }
            update { s in
                guard frameId == s.mainFrameId, s.gate?.committed == true else { return false }
                s.gate?.stoppedAfterCommit = true
                return true
            }
        case "Page.windowOpen":
            guard let e = try? event.decodeParams(as: CDP.Page.WindowOpen.self) else { return }
            update { s in
                // The previous document's window (closed like any other): not this render's.
                guard s.gate?.quiet != true else { return false }
                if s.popups.count < limits.maxPopups {
                    s.popups.append(String(e.url.prefix(RenderLimits.maxURLLength)))
                } else {
                    s.popupsDropped += 1
                }
                return true
            }
        case "Network.requestWillBeSent":
            guard let e = try? event.decodeParams(as: CDP.Network.RequestWillBeSent.self) else { return }
            update { s in requestWillBeSent(e, &s) }
        case "Network.requestWillBeSentExtraInfo":
            guard read({ $0.gate != nil }),
                let e = try? event.decodeParams(as: CDP.Network.RequestWillBeSentExtraInfo.self)
            else { return }
            let sent = e.associatedCookies.filter(\.blockedReasons.isEmpty).count
            update { s in
                guard s.gate != nil, s.gate?.cookiesSent[e.requestId] != nil || (s.gate?.cookiesSent.count ?? 0) < 256 else {
                    return false
                }
                s.gate?.cookiesSent[e.requestId, default: 0] += sent
                return true
            }
        case "Network.responseReceived":
            guard let e = try? event.decodeParams(as: CDP.Network.ResponseReceived.self) else { return }
            update { s in responseReceived(e, &s) }
        case "Network.loadingFinished":
            guard let e = try? event.decodeParams(as: CDP.Network.LoadingFinished.self) else { return }
            update { s in
                guard !s.ignored.contains(e.requestId) else { return false }
                s.bytesIn += max(0, Int(e.encodedDataLength))
                return finish(e.requestId, at: e.timestamp, bytes: Int(e.encodedDataLength), error: nil, &s)
            }
        case "Network.loadingFailed":
            guard let e = try? event.decodeParams(as: CDP.Network.LoadingFailed.self) else { return }
            let blocked = e.blockedReason != nil || e.errorText == "net::ERR_BLOCKED_BY_CLIENT"
            update { s in
                guard !s.ignored.contains(e.requestId) else { return false }
                return finish(e.requestId, at: e.timestamp, bytes: nil, error: blocked ? "blocked" : e.errorText, &s)
            }
        case "Runtime.consoleAPICalled":
            guard !read({ $0.gate?.quiet == true }),
                let e = try? event.decodeParams(as: CDP.Runtime.ConsoleAPICalled.self)
            else { return }
            let text = e.args.map(Self.consoleText).joined(separator: " ")
            appendConsole(ConsoleEntry(level: e.type, text: text, timestamp: e.timestamp))
        case "Runtime.exceptionThrown":
            guard !read({ $0.gate?.quiet == true }),
                let e = try? event.decodeParams(as: CDP.Runtime.ExceptionThrown.self)
            else { return }
            let text = e.exceptionDetails.exception?.description ?? e.exceptionDetails.text
            appendConsole(ConsoleEntry(level: "error", text: text, timestamp: e.timestamp))
        case "Inspector.targetCrashed":
            close(reason: "the page's renderer crashed")
        case "Inspector.detached":
            let reason = event.params["reason"]?.stringValue ?? "detached"
            close(reason: "the page was detached (\(reason))")
        default:
            break
        }
    }

    // MARK: Browser-level events about this page

    /// A target was created in the browser: when the page (or one of its popups) opened it, it becomes
    /// one of the page's own and this returns true (the caller closes it).
    func popupCreated(_ target: CDP.Target.TargetInfo) -> Bool {
        guard target.type == "page", let opener = target.openerId else { return false }
        var owned = false
        update { s in
            guard s.ownFrames.contains(opener) else { return false }
            s.own(target.targetId, limit: limits.maxOwnFrames)
            owned = true
            // A download the popup started may be waiting to be claimed: its waiters look again.
            return s.downloads.hasUnclaimed
        }
        return owned
    }

    /// Applies a browser-level download event to the page's downloads: `change` gets the log and
    /// whether a frame is the page's, and says whether to cancel that download (see `DownloadLog`).
    func updateDownloads(_ change: (inout DownloadLog, (String) -> Bool) -> Bool) -> Bool {
        var cancel = false
        update { s in
            let own = s.ownFrames
            cancel = change(&s.downloads) { own.contains($0) }
            return true
        }
        return cancel
    }

    /// Sets what happens to the page's downloads from now on.
    func setDownloadMode(_ mode: DownloadLog.Mode) {
        update { s in
            s.downloads.mode = mode
            return false
        }
    }

    /// Marks the page gone: every waiter wakes and fails with `reason`.
    func close(reason: String) {
        update { s in
            guard s.closedReason == nil else { return false }
            s.closedReason = reason
            return true
        }
    }

    /// Tells the monitor which document a navigation created, before its events may have arrived.
    func expectDocument(loaderId: String) {
        update { s in
            s.mainLoaderId = loaderId
            return true
        }
    }

    // MARK: A recycled page's gate

    /// Starts following a gated navigation (`Page.armGate`).
    func beginGate() {
        update { s in
            s.gate = GateWatch()
            return true
        }
    }

    /// The gate's request reached the page (in the order of the page's events): what comes after is the
    /// new document's.
    func gateRequestSeen() {
        update { s in
            s.gate?.quiet = false
            return false
        }
    }

    func setGatePhase(_ phase: GateWatch.Phase, passedRequest: String? = nil) {
        update { s in
            s.gate?.phase = phase
            if let passedRequest { s.gate?.passedRequest = passedRequest }
            return true
        }
    }

    /// Stops following the gate; what it saw.
    @discardableResult
    func endGate() -> GateWatch? {
        var watch: GateWatch?
        update { s in
            watch = s.gate
            s.gate = nil
            return true
        }
        return watch
    }

    /// Whether a request is one the log leaves out: any request to the gate's path, and while the gate
    /// is quiet every request but the main frame's navigation (its id is its document's loader id).
    private static func ignores(_ e: CDP.Network.RequestWillBeSent, _ s: State) -> Bool {
        if e.request.url.contains(PageMonitor.gatePath) { return true }
        guard let gate = s.gate, gate.quiet else { return false }
        return !(e.type == "Document" && e.frameId == s.mainFrameId && e.requestId == e.loaderId)
    }

    /// Path of the request a recycled page's gate script sends (see `Page.armGate`).
    static let gatePath = "/__tidepool_gate__"

    private func requestWillBeSent(_ e: CDP.Network.RequestWillBeSent, _ s: inout State) -> Bool {
        if e.request.url.contains(PageMonitor.gatePath), let loader = e.loaderId, s.gate != nil,
            (s.gate?.gateLoaders.count ?? 0) < 16
        {
            s.gate?.gateLoaders[e.requestId] = loader
            s.ignored.insert(e.requestId)
            return true
        }
        if s.ignored.contains(e.requestId) { return false }
        if Self.ignores(e, s) {
            if s.ignored.count < State.finishedMemory { s.ignored.insert(e.requestId) }
            return false
        }
        // A worker's script is announced on the page and again on the worker: one entry.
        if e.redirectResponse == nil,
            s.recordIndex[e.requestId] != nil || s.inflight.contains(e.requestId) || s.finished.contains(e.requestId)
        {
            return false
        }
        s.bytesOut += e.request.approximateSize
        if let redirect = e.redirectResponse { s.bytesIn += max(0, Int(redirect.encodedDataLength ?? 0)) }
        if let redirect = e.redirectResponse, let index = s.recordIndex[e.requestId] {
            s.records[index].end = e.timestamp
            s.records[index].status = redirect.status
            s.records[index].bytes = Int(redirect.encodedDataLength ?? 0)
            s.recordIndex[e.requestId] = nil
        }
        s.inflight.insert(e.requestId)
        s.lastNetworkChange = clock.now
        let record = NetworkRecord(
            url: e.request.url, method: e.request.method, resourceType: e.type ?? "Other", start: e.timestamp
        )
        if s.records.count < limits.maxNetworkEntries {
            s.recordIndex[e.requestId] = s.records.count
            s.records.append(record)
        } else {
            s.networkDropped += 1
        }
        return true
    }

    private func responseReceived(_ e: CDP.Network.ResponseReceived, _ s: inout State) -> Bool {
        if s.ignored.contains(e.requestId) { return false }
        if s.gate != nil, e.type == "Document", e.frameId == s.mainFrameId {
            if e.response.fromServiceWorker == true {
                s.gate?.documentNotFromNetwork = "service worker"
            } else if e.response.fromDiskCache == true || e.response.fromPrefetchCache == true {
                s.gate?.documentNotFromNetwork = "cache"
            }
        }
        if let index = s.recordIndex[e.requestId] { s.records[index].status = e.response.status }
        if e.type == "Document", e.frameId == s.mainFrameId {
            if let loader = e.loaderId { s.documentStatus[loader] = e.response.status }
            s.lastDocumentStatus = e.response.status
        }
        return true
    }

    private func finish(_ requestId: String, at timestamp: Double, bytes: Int?, error: String?, _ s: inout State) -> Bool {
        if let index = s.recordIndex[requestId] {
            s.records[index].end = timestamp
            if let bytes { s.records[index].bytes = bytes }
            s.records[index].error = error
            s.recordIndex[requestId] = nil
        }
        guard s.inflight.remove(requestId) != nil else { return false }
        if s.finished.insert(requestId).inserted {
            s.finishedOrder.append(requestId)
            // Forgets the older half at once (amortised O(1) per request; at least the latest
            // `finishedMemory` are always remembered).
            if s.finishedOrder.count > 2 * State.finishedMemory {
                for old in s.finishedOrder.prefix(State.finishedMemory) { s.finished.remove(old) }
                s.finishedOrder.removeFirst(State.finishedMemory)
            }
        }
        s.lastNetworkChange = clock.now
        return true
    }

    private func appendConsole(_ entry: ConsoleEntry) {
        var entry = entry
        if entry.text.count > limits.maxConsoleTextLength {
            entry.text = String(entry.text.prefix(limits.maxConsoleTextLength)) + "…"
        }
        update { s in
            if s.console.count < limits.maxConsoleEntries {
                s.console.append(entry)
            } else {
                s.consoleDropped += 1
            }
            return false
        }
    }

    /// The page's downloads in the order they began (unclaimed ones whose frame is now known included),
    /// and how many did not fit the list.
    func downloads() -> (downloads: [DownloadLog.Download], dropped: Int) {
        state.withLock { s in
            let own = s.ownFrames
            s.downloads.claim { own.contains($0) }
            return (s.downloads.downloads, s.downloads.dropped)
        }
    }

    /// Text of one console argument as DevTools shows it: strings bare, numbers and booleans as JSON,
    /// objects by their description.
    static func consoleText(_ object: CDP.Runtime.RemoteObject) -> String {
        if let value = object.value {
            if let string = value.stringValue { return string }
            if object.type != "object" || value.isNull { return value.jsonString() }
        }
        return object.unserializableValue ?? object.description ?? object.type
    }

    // MARK: Waiting

    /// Applies `change`; when it reports a change, re-checks every waiter and resumes those that are done.
    private func update(_ change: (inout State) -> Bool) {
        let now = clock.now
        let ready: [(CheckedContinuation<Result<Void, WaitFailure>, Never>, Result<Void, WaitFailure>)] =
            state.withLock { s in
                guard change(&s), !s.waiters.isEmpty else { return [] }
                return s.waiters.keys.compactMap { id in Self.settle(id, in: &s, now: now) }
            }
        for (continuation, result) in ready { continuation.resume(returning: result) }
    }

    /// Evaluates waiter `id`: when it is done, closed or past its deadline, removes it and returns its
    /// continuation with the outcome; otherwise records when its timer must look again.
    private static func settle(_ id: UInt64, in s: inout State, now: ContinuousClock.Instant)
        -> (CheckedContinuation<Result<Void, WaitFailure>, Never>, Result<Void, WaitFailure>)?
    {
        guard let waiter = s.waiters[id], let continuation = waiter.continuation else { return nil }
        let outcome: Result<Void, WaitFailure>
        switch waiter.check(s, now) {
        case .done:
            outcome = .success(())
        case .pending(let wakeBy):
            if let reason = s.closedReason {
                outcome = .failure(.closed(reason))
            } else if now >= waiter.deadline {
                outcome = .failure(.timedOut)
            } else {
                s.waiters[id]?.nextWake = min(wakeBy ?? waiter.deadline, waiter.deadline)
                return nil
            }
        }
        s.waiters[id] = nil
        return (continuation, outcome)
    }

    /// Waits until `check` says done, the page closes, `deadline` passes or the waiting task is cancelled
    /// (`cancelled`, at once). `check` runs under the lock on every change and whenever it asked to be
    /// looked at again; one timer task per wait, however many events arrive. A time-based check (one that may ask for a
    /// wake-up earlier than it asked before, like network idle) passes `recheckEvery`, the timer's longest sleep.
    func wait(
        until deadline: ContinuousClock.Instant, recheckEvery: Duration? = nil, _ check: @escaping Check
    ) async -> Result<Void, WaitFailure> {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter &+= 1
            s.waiters[s.nextWaiter] = Waiter(check: check, deadline: deadline, nextWake: deadline, continuation: nil)
            return s.nextWaiter
        }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runTimer(for: id, recheckEvery: recheckEvery) }
            let result = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, WaitFailure>, Never>) in
                    let now = clock.now
                    let ready = state.withLock { s -> (CheckedContinuation<Result<Void, WaitFailure>, Never>, Result<Void, WaitFailure>)? in
                        s.waiters[id]?.continuation = continuation
                        if Task.isCancelled {
                            s.waiters[id] = nil
                            return (continuation, .failure(.cancelled))
                        }
                        return Self.settle(id, in: &s, now: now)
                    }
                    if let (continuation, result) = ready { continuation.resume(returning: result) }
                }
            } onCancel: {
                let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.continuation?.resume(returning: .failure(.cancelled))
            }
            group.cancelAll()
            return result
        }
    }

    /// Sleeps until the waiter's next wake-up (at most `recheckEvery`), re-checks it, and repeats until it
    /// is gone.
    private func runTimer(for id: UInt64, recheckEvery: Duration?) async {
        while !Task.isCancelled {
            guard var wake = state.withLock({ $0.waiters[id]?.nextWake }) else { return }
            if let recheckEvery { wake = min(wake, clock.now + recheckEvery) }
            try? await Task.sleep(until: wake, clock: .continuous)
            if Task.isCancelled { return }
            let now = clock.now
            let ready = state.withLock { s in Self.settle(id, in: &s, now: now) }
            if let (continuation, result) = ready {
                continuation.resume(returning: result)
                return
            }
        }
    }
}

extension PageMonitor.State {
    /// Remembers `frameId` as one of the page's own frames (or popups), up to `limit` of them.
    mutating func own(_ frameId: String, limit: Int) {
        guard ownFrames.count < limit else { return }
        ownFrames.insert(frameId)
    }
}
