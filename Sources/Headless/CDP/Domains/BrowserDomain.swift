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
