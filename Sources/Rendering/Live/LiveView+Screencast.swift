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
        let timed: @Sendable (LiveMessage) async throws -> Void = { message in
            counters.writingSinceMs.store(Self.nowMs(), ordering: .relaxed)
            defer { counters.writingSinceMs.store(0, ordering: .relaxed) }
            do {
                try await send(message.text)
            } catch {
                throw ViewerGone()
            }
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await self.ended() }
            group.addTask {
                do {
                    try await self.screencast(timed)
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

    private func screencast(_ send: @Sendable (LiveMessage) async throws -> Void) async throws {
        let timeout = Duration.seconds(10)
        let events = page.events(methods: ["Page.screencastFrame", "Page.frameNavigated", "Page.navigatedWithinDocument"])
        try await send(.hello(mode))
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
            if let data = shot["data"]?.stringValue { try await deliver(data, geometry, send) }
        }
        _ = try await page.send(
            method: "Page.startScreencast",
            params: [
                "format": "jpeg", "quality": .int(Self.jpegQuality), "maxWidth": .int(Self.maxFrameSide),
                "maxHeight": .int(Self.maxFrameSide), "everyNthFrame": 1,
            ], timeout: timeout)
        for await event in events {
            try Task.checkCancellation()
            let params = event.params
            switch event.method {
            case "Page.screencastFrame":
                let metadata = (params["metadata"]?.objectValue ?? [:]).compactMapValues(\.doubleValue)
                if let data = params["data"]?.stringValue, let geometry = ScreencastGeometry(metadata: metadata) {
                    try await deliver(data, geometry, send)
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
        // The page's events end with its browser.
        end(.failed)
    }

    /// Sends one frame, unless it is over the size cap (then the viewer keeps the previous one).
    private func deliver(_ base64: String, _ geometry: ScreencastGeometry, _ send: @Sendable (LiveMessage) async throws -> Void)
        async throws
    {
        guard base64.utf8.count <= Self.maxFrameBase64 else { return }
        show(geometry: geometry)
        try await send(.frame(base64: base64, geometry: geometry))
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
