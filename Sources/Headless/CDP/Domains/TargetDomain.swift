extension CDP.Target {
    /// `Target.createBrowserContext`: a fresh isolated context (own cookies, storage, cache), with an
    /// optional proxy of its own.
    public struct CreateBrowserContext: CDPCommand {
        public static let method = "Target.createBrowserContext"
        public struct Response: Decodable, Sendable { public let browserContextId: String }
        public var disposeOnDetach: Bool?
        public var proxyServer: String?
        public var proxyBypassList: String?
        public init(disposeOnDetach: Bool? = nil, proxyServer: String? = nil, proxyBypassList: String? = nil) {
            self.disposeOnDetach = disposeOnDetach
            self.proxyServer = proxyServer
            self.proxyBypassList = proxyBypassList
        }
    }

    /// `Target.disposeBrowserContext`: closes every page of the context and deletes its data.
    public struct DisposeBrowserContext: CDPCommand {
        public static let method = "Target.disposeBrowserContext"
        public typealias Response = CDPEmptyResponse
        public var browserContextId: String
        public init(browserContextId: String) { self.browserContextId = browserContextId }
    }

    /// `Target.getBrowserContexts`.
    public struct GetBrowserContexts: CDPCommand {
        public static let method = "Target.getBrowserContexts"
        public struct Response: Decodable, Sendable { public let browserContextIds: [String] }
        public init() {}
    }

    /// `Target.createTarget`: opens a page.
    public struct CreateTarget: CDPCommand {
        public static let method = "Target.createTarget"
        public struct Response: Decodable, Sendable { public let targetId: String }
        public var url: String
        public var browserContextId: String?
        public var width: Int?
        public var height: Int?
        public var newWindow: Bool?
        public var background: Bool?
        public init(
            url: String = "about:blank", browserContextId: String? = nil, width: Int? = nil, height: Int? = nil,
            newWindow: Bool? = nil, background: Bool? = nil
        ) {
            self.url = url
            self.browserContextId = browserContextId
            self.width = width
            self.height = height
            self.newWindow = newWindow
            self.background = background
        }
    }

    /// `Target.closeTarget`.
    public struct CloseTarget: CDPCommand {
        public static let method = "Target.closeTarget"
        public struct Response: Decodable, Sendable { public let success: Bool? }
        public var targetId: String
        public init(targetId: String) { self.targetId = targetId }
    }

    /// `Target.attachToTarget`; use `CDPConnection.attach(toTarget:)` to get a `CDPSession`.
    public struct AttachToTarget: CDPCommand {
        public static let method = "Target.attachToTarget"
        public struct Response: Decodable, Sendable { public let sessionId: String }
        public var targetId: String
        public var flatten: Bool
        public init(targetId: String, flatten: Bool = true) {
            self.targetId = targetId
            self.flatten = flatten
        }
    }

    /// `Target.detachFromTarget`.
    public struct DetachFromTarget: CDPCommand {
        public static let method = "Target.detachFromTarget"
        public typealias Response = CDPEmptyResponse
        public var sessionId: String
        public init(sessionId: String) { self.sessionId = sessionId }
    }

    /// `Target.getTargets`.
    public struct GetTargets: CDPCommand {
        public static let method = "Target.getTargets"
        public struct Response: Decodable, Sendable { public let targetInfos: [TargetInfo] }
        public init() {}
    }

    /// `Target.setDiscoverTargets`: browser-level `targetCreated`/`targetDestroyed`/`targetCrashed` events.
    public struct SetDiscoverTargets: CDPCommand {
        public static let method = "Target.setDiscoverTargets"
        public typealias Response = CDPEmptyResponse
        public var discover: Bool
        public init(discover: Bool) { self.discover = discover }
    }

    /// `Target.setAutoAttach` on a session: its related targets (filtered by type) attach as they appear,
    /// paused before their first script with `waitForDebuggerOnStart` until `Runtime.runIfWaitingForDebugger`.
    public struct SetAutoAttach: CDPCommand {
        public static let method = "Target.setAutoAttach"
        public typealias Response = CDPEmptyResponse
        public struct Filter: Encodable, Sendable {
            public var type: String
            public var exclude: Bool?
            public init(type: String, exclude: Bool? = nil) {
                self.type = type
                self.exclude = exclude
            }
        }
        public var autoAttach: Bool
        public var waitForDebuggerOnStart: Bool
        public var flatten: Bool
        /// Matched in order, the first match decides; a target no entry matches is not attached.
        public var filter: [Filter]?
        public init(autoAttach: Bool, waitForDebuggerOnStart: Bool, flatten: Bool = true, filter: [Filter]? = nil) {
            self.autoAttach = autoAttach
            self.waitForDebuggerOnStart = waitForDebuggerOnStart
            self.flatten = flatten
            self.filter = filter
        }
    }

    /// `Target.attachedToTarget` params (an auto-attached target, on the session that asked for it).
    public struct AttachedToTarget: Decodable, Sendable {
        public struct Info: Decodable, Sendable {
            public let targetId: String
            /// `worker`, `shared_worker`, `service_worker`, `iframe` …
            public let type: String
            public let browserContextId: String?
        }
        public let sessionId: String
        public let targetInfo: Info
        public let waitingForDebugger: Bool
    }

    /// `Target.TargetInfo`.
    public struct TargetInfo: Decodable, Sendable, Equatable {
        public let targetId: String
        public let type: String
        public let title: String
        public let url: String
        public let attached: Bool
        public let browserContextId: String?
        /// The page that opened this one (a popup's opener).
        public let openerId: String?
    }

    /// `Target.targetCreated` params (browser-level, with discovery on).
    public struct TargetCreated: Decodable, Sendable {
        public let targetInfo: TargetInfo
    }

    /// `Target.targetInfoChanged` params (a target's URL or title changed; with discovery on).
    public struct TargetInfoChanged: Decodable, Sendable {
        public let targetInfo: TargetInfo
    }

    /// `Target.targetDestroyed` params (with discovery on).
    public struct TargetDestroyed: Decodable, Sendable {
        public let targetId: String
    }
}
