extension CDP.Browser {
    /// `Browser.getVersion`: also the pool's health-check ping.
    public struct GetVersion: CDPCommand {
        public static let method = "Browser.getVersion"
        public struct Response: Decodable, Sendable, Equatable {
            public let protocolVersion: String
            public let product: String
            public let revision: String
            public let userAgent: String
            public let jsVersion: String
        }
        public init() {}
    }

    /// `Browser.close`: asks the browser to exit gracefully.
    public struct Close: CDPCommand {
        public static let method = "Browser.close"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }
}

extension CDP.Browser {
    /// `Browser.setDownloadBehavior` for one context (nil: the default context): `deny`, or
    /// `allowAndName` (each file saved under `downloadPath` with its download's guid as its name).
    /// `eventsEnabled` turns on the browser-level `downloadWillBegin`/`downloadProgress` events.
    public struct SetDownloadBehavior: CDPCommand {
        public static let method = "Browser.setDownloadBehavior"
        public typealias Response = CDPEmptyResponse
        public var behavior: String
        public var browserContextId: String?
        public var downloadPath: String?
        public var eventsEnabled: Bool?
        public init(behavior: String, browserContextId: String?, downloadPath: String? = nil, eventsEnabled: Bool? = nil) {
            self.behavior = behavior
            self.browserContextId = browserContextId
            self.downloadPath = downloadPath
            self.eventsEnabled = eventsEnabled
        }
    }

    /// `Browser.cancelDownload`.
    public struct CancelDownload: CDPCommand {
        public static let method = "Browser.cancelDownload"
        public typealias Response = CDPEmptyResponse
        public var guid: String
        public var browserContextId: String?
        public init(guid: String, browserContextId: String?) {
            self.guid = guid
            self.browserContextId = browserContextId
        }
    }

    /// `Browser.downloadWillBegin` params (browser-level: downloads of every context).
    public struct DownloadWillBegin: Decodable, Sendable {
        /// The frame that started it (a page's main frame has the page's target id).
        public let frameId: String
        public let guid: String
        public let url: String
        public let suggestedFilename: String
    }

    /// `Browser.downloadProgress` params; `state` is `inProgress`, `completed` or `canceled`.
    public struct DownloadProgress: Decodable, Sendable {
        public let guid: String
        public let totalBytes: Double
        public let receivedBytes: Double
        public let state: String
    }
}

extension CDP.Browser {
    /// `Browser.resetPermissions` of one context (browser-level command): every permission granted
    /// or overridden in it goes back to the default.
    public struct ResetPermissions: CDPCommand {
        public static let method = "Browser.resetPermissions"
        public typealias Response = CDPEmptyResponse
        public var browserContextId: String?
        public init(browserContextId: String?) { self.browserContextId = browserContextId }
    }
}
