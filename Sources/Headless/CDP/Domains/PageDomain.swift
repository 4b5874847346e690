extension CDP.Page {
    /// `Page.enable`: page lifecycle events; the first one waits for the renderer to be ready.
    public struct Enable: CDPCommand {
        public static let method = "Page.enable"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }

    /// `Page.navigate`: the reply comes when the navigation commits (or fails: see `errorText`).
    public struct Navigate: CDPCommand {
        public static let method = "Page.navigate"
        public struct Response: Decodable, Sendable {
            public let frameId: String
            public let loaderId: String?
            public let errorText: String?
        }
        public var url: String
        public var referrer: String?
        public init(url: String, referrer: String? = nil) {
            self.url = url
            self.referrer = referrer
        }
    }

    /// `Page.crash`: crashes the renderer (for tests of crash handling); it never replies.
    public struct Crash: CDPCommand {
        public static let method = "Page.crash"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }
}

extension CDP.Page {
    /// `Page.addScriptToEvaluateOnNewDocument`: `source` runs in every new document before its own scripts.
    public struct AddScriptToEvaluateOnNewDocument: CDPCommand {
        public static let method = "Page.addScriptToEvaluateOnNewDocument"
        public struct Response: Decodable, Sendable { public let identifier: String }
        public var source: String
        public var runImmediately: Bool?
        public init(source: String, runImmediately: Bool? = nil) {
            self.source = source
            self.runImmediately = runImmediately
        }
    }

    /// `Page.removeScriptToEvaluateOnNewDocument`.
    public struct RemoveScriptToEvaluateOnNewDocument: CDPCommand {
        public static let method = "Page.removeScriptToEvaluateOnNewDocument"
        public typealias Response = CDPEmptyResponse
        public var identifier: String
        public init(identifier: String) { self.identifier = identifier }
    }

    /// `Page.setLifecycleEventsEnabled`: `Page.lifecycleEvent` for init, DOMContentLoaded, load, … per loader.
    public struct SetLifecycleEventsEnabled: CDPCommand {
        public static let method = "Page.setLifecycleEventsEnabled"
        public typealias Response = CDPEmptyResponse
        public var enabled: Bool
        public init(enabled: Bool) { self.enabled = enabled }
    }

    /// A rectangle in CSS pixels (`Page.Viewport`).
    public struct Clip: Codable, Sendable, Hashable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double
        public var scale: Double
        public init(x: Double, y: Double, width: Double, height: Double, scale: Double = 1) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
            self.scale = scale
        }
    }

    /// `Page.captureScreenshot`: base64 image data.
    public struct CaptureScreenshot: CDPCommand {
        public static let method = "Page.captureScreenshot"
        public struct Response: Decodable, Sendable { public let data: String }
        public var format: String?
        public var quality: Int?
        public var clip: Clip?
        public var captureBeyondViewport: Bool?
        public init(format: String? = nil, quality: Int? = nil, clip: Clip? = nil, captureBeyondViewport: Bool? = nil) {
            self.format = format
            self.quality = quality
            self.clip = clip
            self.captureBeyondViewport = captureBeyondViewport
        }
    }

    /// `Page.printToPDF`: base64 PDF data.
    public struct PrintToPDF: CDPCommand {
        public static let method = "Page.printToPDF"
        public struct Response: Decodable, Sendable { public let data: String }
        public var printBackground: Bool?
        public var preferCSSPageSize: Bool?
        public init(printBackground: Bool? = true, preferCSSPageSize: Bool? = true) {
            self.printBackground = printBackground
            self.preferCSSPageSize = preferCSSPageSize
        }
    }

    /// `Page.captureSnapshot` in MHTML: the page and its resources as one text document.
    public struct CaptureSnapshot: CDPCommand {
        public static let method = "Page.captureSnapshot"
        public struct Response: Decodable, Sendable { public let data: String }
        public var format: String
        public init(format: String = "mhtml") { self.format = format }
    }

    /// `Page.getLayoutMetrics`: content size for full-page screenshots.
    public struct GetLayoutMetrics: CDPCommand {
        public static let method = "Page.getLayoutMetrics"
        public struct Rect: Decodable, Sendable {
            public let x: Double
            public let y: Double
            public let width: Double
            public let height: Double
        }
        public struct Response: Decodable, Sendable { public let cssContentSize: Rect }
        public init() {}
    }

    /// `Page.getFrameTree`: every frame with its URL and security origin.
    public struct GetFrameTree: CDPCommand {
        public static let method = "Page.getFrameTree"
        public struct Response: Decodable, Sendable { public let frameTree: FrameTree }
        public init() {}
    }

    /// `Page.FrameTree`.
    public struct FrameTree: Decodable, Sendable {
        public let frame: Frame
        public let childFrames: [FrameTree]?

        /// This frame and every descendant, depth first.
        public var allFrames: [Frame] { [frame] + (childFrames ?? []).flatMap(\.allFrames) }
    }

    /// `Page.Frame` (the fields the driver reads).
    public struct Frame: Decodable, Sendable {
        public let id: String
        public let parentId: String?
        public let loaderId: String
        public let url: String
        public let securityOrigin: String?
    }

    /// `Page.stopLoading`.
    public struct StopLoading: CDPCommand {
        public static let method = "Page.stopLoading"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }

    /// `Page.lifecycleEvent` params.
    public struct LifecycleEvent: Decodable, Sendable {
        public let frameId: String
        public let loaderId: String
        public let name: String
        public let timestamp: Double
    }

    /// `Page.frameNavigated` params.
    public struct FrameNavigated: Decodable, Sendable {
        public let frame: Frame
    }

    /// `Page.frameAttached` params: a subframe joined the page's frame tree.
    public struct FrameAttached: Decodable, Sendable {
        public let frameId: String
        public let parentFrameId: String?
    }

    /// `Page.windowOpen` params: the page opens a window (`window.open`, `target=_blank`, a form).
    public struct WindowOpen: Decodable, Sendable {
        public let url: String
    }
}

extension CDP.Page {
    /// `Page.javascriptDialogOpening` params: alert, confirm, prompt or beforeunload; the page's renderer
    /// waits until the dialog is answered.
    public struct JavascriptDialogOpening: Decodable, Sendable {
        public let url: String
        public let message: String
        public let type: String
        public let defaultPrompt: String?
    }

    /// `Page.handleJavaScriptDialog`: answers the open dialog (`promptText` is what a prompt returns).
    public struct HandleJavaScriptDialog: CDPCommand {
        public static let method = "Page.handleJavaScriptDialog"
        public typealias Response = CDPEmptyResponse
        public var accept: Bool
        public var promptText: String?
        public init(accept: Bool, promptText: String? = nil) {
            self.accept = accept
            self.promptText = promptText
        }
    }
}
