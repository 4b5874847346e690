import AsyncSupport
import Foundation
import Headless
import RenderTypes
import Synchronization

extension LiveView {
    /// Streams the page to the claimed viewer through `send` (one JSON text message at a time) until
    /// the view ends, then tells the viewer why. Each screencast frame is acked to the browser only
    /// after `send` returned, so a slow viewer slows the stream instead of piling up frames. A first
    /// frame comes from a screenshot: a page that never repaints sends no screencast frame.
    public func stream(to send: @escaping @Sendable (String) async throws -> Void) async {
        let counters = self.counters
        // The tab strip's messages and the frames come from two tasks: one write at a time.
        let writes = SerialLock()
        let timed: @Sendable (LiveMessage) async throws -> Void = { message in
            try await writes.withLockInTurn { () async throws -> Void in
                counters.writingSinceMs.store(Self.nowMs(), ordering: .relaxed)
                defer { counters.writingSinceMs.store(0, ordering: .relaxed) }
                do {
                    try await send(message.text)
                } catch {
                    throw ViewerGone()
                }
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await self.ended() }
            group.addTask {
                do {
                    try await timed(.hello(self.mode))
                    try await withThrowingTaskGroup(of: Void.self) { inner in
                        inner.addTask { try await self.watchTabs(timed) }
                        try await self.screencastShownTab(timed)
                        inner.cancelAll()
                    }
                } catch is ViewerGone {
                    self.end(.viewerLeft)
                } catch is CancellationError {
                } catch {
                    self.end(.failed)
                }
            }
            // A viewer that stops reading stalls a write: the view ends (and writes back) all the same.
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    let since = counters.writingSinceMs.load(ordering: .relaxed)
                    if since > 0, Self.nowMs() - since > Self.writeStall.wholeMilliseconds {
                        self.end(.idle)
                        return
                    }
                }
            }
            _ = await group.next()
            self.end(.viewerLeft)
            group.cancelAll()
        }
        try? await send(LiveMessage.ended(ended()).text)
    }

    /// Screencasts the shown tab until another is shown, then that one, and so on. A tab that closes
    /// while shown hands over to its opener; the session's page ending means its browser is gone.
    private func screencastShownTab(_ send: @escaping @Sendable (LiveMessage) async throws -> Void) async throws {
        while true {
            try Task.checkCancellation()
            let tab = tabs.active
            let switched = tabs.switchSignal(from: tab.id)
            // The viewer learns which tab is shown before its frames come.
            if tabsSent.load(ordering: .relaxed) { try await sendTabs(send) }
            let closed = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    do {
                        try await self.screencast(tab, send)
                    } catch let error where tab.id != self.tabs.main.targetId && !(error is ViewerGone) && !Task.isCancelled {
                        // A window that closed under its first commands is a closed tab, not a failed view.
                    }
                    return true
                }
                group.addTask {
                    _ = await switched.wait()
                    return false
                }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            guard closed else { continue }
            guard tab.id != tabs.main.targetId else {
                // The page's events end with its browser.
                end(.failed)
                return
            }
            // The next round sends the strip without it.
            tabs.remove(tab.id)
        }
    }

    /// Streams one tab: its URL, a first frame from a screenshot (a page that never repaints sends no
    /// screencast frame), then its screencast frames, until its events end (it closed) or the task is
    /// cancelled (another tab is shown; its screencast is stopped).
    private func screencast(_ tab: LiveTabs.Tab, _ send: @Sendable (LiveMessage) async throws -> Void) async throws {
        let timeout = Duration.seconds(10)
        let page = tab.session
        let events = page.events(methods: ["Page.screencastFrame", "Page.frameNavigated", "Page.navigatedWithinDocument"])
        clearGeometry()
        let tree = try await page.send(method: "Page.getFrameTree", timeout: timeout)
        let mainFrame = tree["frameTree"]?["frame"]?["id"]?.stringValue
        if let url = tree["frameTree"]?["frame"]?["url"]?.stringValue {
            show(url: url)
            try await send(.url(url))
        }
        let metrics = try await page.send(method: "Page.getLayoutMetrics", timeout: timeout)
        let viewport = metrics["cssVisualViewport"]
        if let width = viewport?["clientWidth"]?.doubleValue, let height = viewport?["clientHeight"]?.doubleValue, width > 0, height > 0 {
            let geometry = ScreencastGeometry(deviceWidth: width, deviceHeight: height, pageScaleFactor: viewport?["zoom"]?.doubleValue ?? 1)
            let shot = try await page.send(
                method: "Page.captureScreenshot", params: ["format": "jpeg", "quality": .int(Self.jpegQuality)], timeout: timeout)
            if let data = shot["data"]?.stringValue { try await deliver(data, geometry, tab: tab.id, send) }
        }
        _ = try await page.send(
            method: "Page.startScreencast",
            params: [
                "format": "jpeg", "quality": .int(Self.jpegQuality), "maxWidth": .int(Self.maxFrameSide),
                "maxHeight": .int(Self.maxFrameSide), "everyNthFrame": 1,
            ], timeout: timeout)
        defer {
            // Another tab is shown now (or the view ended): this one stops sending frames. A closed
            // tab answers at once with an error.
            Task { _ = try? await page.send(method: "Page.stopScreencast", timeout: .seconds(2)) }
        }
        for await event in events {
            try Task.checkCancellation()
            let params = event.params
            switch event.method {
            case "Page.screencastFrame":
                let metadata = (params["metadata"]?.objectValue ?? [:]).compactMapValues(\.doubleValue)
                if let data = params["data"]?.stringValue, let geometry = ScreencastGeometry(metadata: metadata) {
                    try await deliver(data, geometry, tab: tab.id, send)
                }
                if let frame = params["sessionId"]?.intValue {
                    _ = try await page.send(method: "Page.screencastFrameAck", params: ["sessionId": .int(frame)], timeout: timeout)
                }
            case "Page.frameNavigated":
                guard params["frame"]?["parentId"] == nil, let url = params["frame"]?["url"]?.stringValue else { continue }
                show(url: url)
                try await send(.url(url))
            default:
                guard params["frameId"]?.stringValue == mainFrame, let url = params["url"]?.stringValue else { continue }
                show(url: url)
                try await send(.url(url))
            }
        }
        try Task.checkCancellation()
    }

    /// Follows the windows the view's pages open and close (`Target.*` events of the view's context):
    /// each new window becomes a tab, attached and shown; one over `LiveTabs.maxTabs` is closed at
    /// once. The strip goes to the viewer at the start and on every change (a tab's URL or title too).
    private func watchTabs(_ send: @escaping @Sendable (LiveMessage) async throws -> Void) async throws {
        let timeout = Duration.seconds(10)
        let connection = page.connection
        let events = connection.events(
            sessionId: nil, methods: ["Target.targetCreated", "Target.targetInfoChanged", "Target.targetDestroyed"])
        // Discovery is on already for the pool's pages (their popups are watched); cheap to repeat.
        _ = try await connection.send(CDP.Target.SetDiscoverTargets(discover: true), timeout: timeout)
        try await refreshTabs(send)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // A title a page's script sets raises no target event: the strip's titles and URLs are read
            // again every second (one browser command).
            group.addTask {
                while true {
                    try await Task.sleep(for: Self.tabRefresh)
                    try await self.refreshTabs(send)
                }
            }
            try await followTabs(events, send)
            group.cancelAll()
        }
    }

    /// How often the strip's titles and URLs are read again.
    static let tabRefresh: Duration = .seconds(1)

    /// Reads every tab's URL and title (`Target.getTargets`) and sends the strip when one changed (and
    /// the first time).
    private func refreshTabs(_ send: @Sendable (LiveMessage) async throws -> Void) async throws {
        let first = !tabsSent.load(ordering: .relaxed)
        var changed = false
        if let targets = try? await page.connection.send(CDP.Target.GetTargets(), timeout: .seconds(5)).targetInfos {
            for target in targets where tabs.update(target.targetId, url: target.url, title: target.title) {
                note(url: target.url)
                changed = true
            }
        }
        guard changed || first else { return }
        tabsSent.store(true, ordering: .relaxed)
        try await sendTabs(send)
    }

    /// Applies the context's target events to the strip until they end.
    private func followTabs(_ events: CDPEventStream, _ send: @Sendable (LiveMessage) async throws -> Void) async throws {
        let timeout = Duration.seconds(10)
        let connection = page.connection
        let context = self.context.targetContextId
        for await event in events {
            try Task.checkCancellation()
            switch event.method {
            case "Target.targetCreated":
                guard let info = try? event.decodeParams(as: CDP.Target.TargetCreated.self).targetInfo, info.type == "page",
                    info.browserContextId == context, !tabs.contains(info.targetId)
                else { continue }
                guard !tabs.isFull else {
                    _ = try? await connection.send(CDP.Target.CloseTarget(targetId: info.targetId), timeout: timeout)
                    continue
                }
                // A window that closes before it is attached is simply not shown.
                guard let session = try? await connection.attach(toTarget: info.targetId, timeout: timeout) else { continue }
                // Through a proxy that asks for credentials, its requests are answered like the
                // session's page's (its first one may have gone out already, with the context's
                // cached credentials).
                try? await proxyAuth?.answer(on: session)
                _ = try? await session.send(method: "Page.enable", timeout: timeout)
                note(url: info.url)
                let tab = LiveTabs.Tab(id: info.targetId, session: session, opener: info.openerId, url: info.url, title: info.title)
                // Added, it is shown: the screencast's next round sends the strip.
                if tabs.add(tab) {
                    clearGeometry()
                } else {
                    _ = try? await connection.send(CDP.Target.CloseTarget(targetId: info.targetId), timeout: timeout)
                }
            case "Target.targetInfoChanged":
                guard let info = try? event.decodeParams(as: CDP.Target.TargetInfoChanged.self).targetInfo,
                    tabs.update(info.targetId, url: info.url, title: info.title)
                else { continue }
                note(url: info.url)
                try await sendTabs(send)
            default:
                guard let destroyed = try? event.decodeParams(as: CDP.Target.TargetDestroyed.self), tabs.remove(destroyed.targetId)
                else { continue }
                try await sendTabs(send)
            }
        }
        // The browser's events end with its connection; the session page's stream then ends the view.
    }

    /// Sends the tab strip as it is now.
    private func sendTabs(_ send: @Sendable (LiveMessage) async throws -> Void) async throws {
        let (list, active) = tabs.snapshot
        try await send(.tabs(list.map { (id: $0.id, url: $0.url, title: $0.title) }, active: active))
    }

    /// Sends one frame, unless it is over the size cap (then the viewer keeps the previous one).
    private func deliver(
        _ base64: String, _ geometry: ScreencastGeometry, tab: String, _ send: @Sendable (LiveMessage) async throws -> Void
    ) async throws {
        guard base64.utf8.count <= Self.maxFrameBase64 else { return }
        show(geometry: geometry)
        try await send(.frame(base64: base64, geometry: geometry, tab: tab))
        counters.frames.add(1, ordering: .relaxed)
        counters.frameBytes.add(base64.utf8.count, ordering: .relaxed)
        metrics.frame(bytes: base64.utf8.count)
    }

    static let jpegQuality = 70
    /// Frames are scaled down to at most this many pixels a side.
    static let maxFrameSide = 1920

    private static func nowMs() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}

/// The viewer's connection failed while a message was sent to it.
private struct ViewerGone: Error {}
