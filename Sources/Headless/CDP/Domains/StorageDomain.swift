extension CDP.Storage {
    /// `Storage.getCookies` of one browser context (browser-level command).
    public struct GetCookies: CDPCommand {
        public static let method = "Storage.getCookies"
        public struct Response: Decodable, Sendable { public let cookies: [CDP.Network.Cookie] }
        public var browserContextId: String?
        public init(browserContextId: String?) { self.browserContextId = browserContextId }
    }

    /// `Storage.setCookies` into one browser context (browser-level command).
    public struct SetCookies: CDPCommand {
        public static let method = "Storage.setCookies"
        public typealias Response = CDPEmptyResponse
        public var cookies: [CDP.Network.CookieParam]
        public var browserContextId: String?
        public init(cookies: [CDP.Network.CookieParam], browserContextId: String?) {
            self.cookies = cookies
            self.browserContextId = browserContextId
        }
    }

    /// `Storage.clearCookies` of one browser context (browser-level command).
    public struct ClearCookies: CDPCommand {
        public static let method = "Storage.clearCookies"
        public typealias Response = CDPEmptyResponse
        public var browserContextId: String?
        public init(browserContextId: String?) { self.browserContextId = browserContextId }
    }
}

extension CDP.Storage {
    /// `Storage.clearDataForOrigin`: every kind of storage of one origin (`storageTypes` "all":
    /// localStorage, IndexedDB, Cache Storage, service workers and their registrations, …) in the
    /// target's browser context.
    public struct ClearDataForOrigin: CDPCommand {
        public static let method = "Storage.clearDataForOrigin"
        public typealias Response = CDPEmptyResponse
        public var origin: String
        public var storageTypes: String
        public init(origin: String, storageTypes: String = "all") {
            self.origin = origin
            self.storageTypes = storageTypes
        }
    }
}

extension CDP.Storage {
    /// `Storage.getUsageAndQuota` of one origin, with the usage of each storage type (answered by the
    /// browser process, so also while the page's renderer is busy).
    public struct GetUsageAndQuota: CDPCommand {
        public static let method = "Storage.getUsageAndQuota"
        public struct UsageForType: Decodable, Sendable {
            public let storageType: String
            public let usage: Double
        }
        public struct Response: Decodable, Sendable {
            public let usage: Double
            public let usageBreakdown: [UsageForType]
        }
        /// `scheme://host[:port]/`.
        public var origin: String
        public init(origin: String) { self.origin = origin }
    }
}
