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
