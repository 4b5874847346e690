public import RenderTypes

extension Page {
    /// What `snapshot` read from the DOM in one round trip.
    public struct Snapshot: Sendable, Hashable {
        public var html: String?
        public var title: String
        public var url: String
        public var metadata: PageMetadata?
        public var timing: PageTiming?
    }

    /// A screenshot as base64 image data.
    public struct Screenshot: Sendable, Hashable {
        public var base64: String
        /// Set when a full-page capture was cut at `Configuration.maxFullPageHeight`: the page's real height.
        public var fullHeight: Int?
    }

    /// Reads the title and URL, and with the flags the serialized DOM, metadata (Open Graph, Twitter,
    /// JSON-LD …) and navigation timing, in one evaluation. With `parsed`, a document still being
    /// parsed is read once it is (`DOMContentLoaded`): one that replaced the document a render waited
    /// for (a refresh, a redirect by script) is never captured half-built.
    public func snapshot(
        html: Bool = true, metadata: Bool = false, timing: Bool = false, parsed: Bool = false, timeout: Duration? = nil
    ) async throws(PageError) -> Snapshot {
        let script = PageScripts.snapshot(html: html, metadata: metadata, timing: timing)
        let value = try await evaluate(
            parsed ? PageScripts.afterParsing(script, awaitPromise: false) : script, awaitPromise: parsed, timeout: timeout
        )
        return Snapshot(
            html: value["html"]?.stringValue,
            title: value["title"]?.stringValue ?? "",
            url: value["url"]?.stringValue ?? "",
            metadata: value["metadata"].flatMap(Self.metadata(from:)),
            timing: value["timing"].flatMap(Self.timing(from:))
        )
    }

    /// Captures the viewport, or the whole page (cut at `maxFullPageHeight`), as PNG or JPEG.
    public func screenshot(
        format: CaptureConfig.ImageFormat = .png, quality: Int? = nil, fullPage: Bool = false, timeout: Duration? = nil
    ) async throws(PageError) -> Screenshot {
        var clip: CDP.Page.Clip?
        var fullHeight: Int?
        if fullPage {
            let metrics = try await send(CDP.Page.GetLayoutMetrics(), timeout: timeout)
            let size = metrics.cssContentSize
            let height = min(size.height.rounded(.up), Double(configuration.maxFullPageHeight))
            if size.height > height { fullHeight = Int(size.height) }
            clip = CDP.Page.Clip(x: 0, y: 0, width: max(1, size.width.rounded(.up)), height: max(1, height))
        }
        let reply = try await send(
            CDP.Page.CaptureScreenshot(
                format: format.rawValue, quality: format == .jpeg ? (quality ?? CaptureConfig.defaultJPEGQuality) : nil,
                clip: clip, captureBeyondViewport: fullPage ? true : nil
            ),
            timeout: timeout
        )
        return Screenshot(base64: reply.data, fullHeight: fullHeight)
    }

    /// Prints the page to PDF (backgrounds included); base64 data.
    public func pdf(timeout: Duration? = nil) async throws(PageError) -> String {
        try await send(CDP.Page.PrintToPDF(), timeout: timeout).data
    }

    /// The page and its resources as one MHTML document.
    public func mhtml(timeout: Duration? = nil) async throws(PageError) -> String {
        try await send(CDP.Page.CaptureSnapshot(), timeout: timeout).data
    }

    /// Console messages and uncaught exceptions seen since `enableEvents(console: true)`, and how many
    /// did not fit the buffer.
    public func consoleMessages() -> (entries: [ConsoleEntry], dropped: Int) {
        monitor.read { ($0.console, $0.consoleDropped) }
    }

    /// Every request seen since `enableEvents(network: true)` (requests still open say `pending`), and how
    /// many did not fit the log.
    public func networkLog() -> (entries: [NetworkEntry], dropped: Int) {
        monitor.read { s in
            let entries = s.records.map { r in
                NetworkEntry(
                    url: r.url, method: r.method, status: r.status, resourceType: r.resourceType, bytes: r.bytes,
                    ms: r.end.map { (($0 - r.start) * 1000 * 10).rounded() / 10 } ?? 0,
                    error: r.end == nil ? "pending" : r.error
                )
            }
            return (entries, s.networkDropped)
        }
    }

    static func metadata(from value: JSONValue) -> PageMetadata? {
        guard value.objectValue != nil else { return nil }
        func strings(_ key: String) -> [String: String] {
            (value[key]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        }
        return PageMetadata(
            title: value["title"]?.stringValue,
            description: value["description"]?.stringValue,
            canonicalUrl: value["canonical_url"]?.stringValue,
            openGraph: strings("open_graph"),
            twitter: strings("twitter"),
            jsonLd: value["json_ld"]?.arrayValue ?? []
        )
    }

    static func timing(from value: JSONValue) -> PageTiming? {
        guard value.objectValue != nil else { return nil }
        return PageTiming(
            ttfbMs: value["ttfb_ms"]?.doubleValue,
            domContentLoadedMs: value["dom_content_loaded_ms"]?.doubleValue,
            loadMs: value["load_ms"]?.doubleValue,
            firstContentfulPaintMs: value["first_contentful_paint_ms"]?.doubleValue
        )
    }
}
