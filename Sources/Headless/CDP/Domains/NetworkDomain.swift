public import RenderTypes

extension CDP.Network {
    /// `Network.enable`: request, response and loading events.
    public struct Enable: CDPCommand {
        public static let method = "Network.enable"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }

    /// `Network.setExtraHTTPHeaders`: sent with every request of the target.
    public struct SetExtraHTTPHeaders: CDPCommand {
        public static let method = "Network.setExtraHTTPHeaders"
        public typealias Response = CDPEmptyResponse
        public var headers: [String: String]
        public init(headers: [String: String]) { self.headers = headers }
    }

    /// `Network.Request` (the fields the driver reads).
    public struct Request: Decodable, Sendable {
        public let url: String
        public let method: String
        /// The request's headers as Chromium reports them when sending (an object of strings).
        public let headers: JSONValue?
        /// The body, when Chromium includes it in the event.
        public let postData: String?

        /// Bytes the request sends, as far as the event tells: the request line, each header as
        /// `name: value\r\n`, the blank line and the body included in the event.
        public var approximateSize: Int {
            var size = method.utf8.count + url.utf8.count + 12  // "<method> <url> HTTP/1.1\r\n"
            if case .object(let fields)? = headers {
                for (name, value) in fields { size += name.utf8.count + (value.stringValue?.utf8.count ?? 0) + 4 }
            }
            return size + 2 + (postData?.utf8.count ?? 0)
        }
    }

    /// `Network.Response` (the fields the driver reads).
    public struct Response: Decodable, Sendable {
        public let url: String
        public let status: Int
        public let encodedDataLength: Double?
        public let fromDiskCache: Bool?
        public let fromServiceWorker: Bool?
        public let fromPrefetchCache: Bool?
    }

    /// `Network.requestWillBeSentExtraInfo` params: what the network stack added as the request went
    /// out (the fields the driver reads).
    public struct RequestWillBeSentExtraInfo: Decodable, Sendable {
        /// One cookie considered for the request; sent when `blockedReasons` is empty.
        public struct AssociatedCookie: Decodable, Sendable {
            public let blockedReasons: [String]
        }
        public let requestId: String
        public let associatedCookies: [AssociatedCookie]
    }

    /// `Network.requestWillBeSent` params.
    public struct RequestWillBeSent: Decodable, Sendable {
        public let requestId: String
        public let loaderId: String?
        public let request: Request
        /// Monotonic seconds.
        public let timestamp: Double
        public let redirectResponse: Response?
        public let type: String?
        public let frameId: String?
    }

    /// `Network.responseReceived` params.
    public struct ResponseReceived: Decodable, Sendable {
        public let requestId: String
        public let loaderId: String?
        public let timestamp: Double
        public let type: String
        public let response: Response
        public let frameId: String?
    }

    /// `Network.loadingFinished` params.
    public struct LoadingFinished: Decodable, Sendable {
        public let requestId: String
        public let timestamp: Double
        public let encodedDataLength: Double
    }

    /// `Network.loadingFailed` params.
    public struct LoadingFailed: Decodable, Sendable {
        public let requestId: String
        public let timestamp: Double
        public let errorText: String
        public let canceled: Bool?
        public let blockedReason: String?
    }

    /// `Network.Cookie` as Chromium reports it (`expires` is -1 for session cookies).
    public struct Cookie: Codable, Sendable, Hashable {
        public let name: String
        public let value: String
        public let domain: String
        public let path: String
        public let expires: Double
        public let httpOnly: Bool
        public let secure: Bool
        public let session: Bool
        public let sameSite: String?
    }

    /// `Network.CookieParam`: a cookie to set; without `domain` (host-only cookies) the `url` scopes it.
    public struct CookieParam: Encodable, Sendable, Hashable {
        public var name: String
        public var value: String
        public var url: String?
        public var domain: String?
        public var path: String?
        public var secure: Bool?
        public var httpOnly: Bool?
        public var sameSite: String?
        public var expires: Double?
        public init(
            name: String, value: String, url: String? = nil, domain: String? = nil, path: String? = nil,
            secure: Bool? = nil, httpOnly: Bool? = nil, sameSite: String? = nil, expires: Double? = nil
        ) {
            self.name = name
            self.value = value
            self.url = url
            self.domain = domain
            self.path = path
            self.secure = secure
            self.httpOnly = httpOnly
            self.sameSite = sameSite
            self.expires = expires
        }
    }
}

extension CDP.Network {
    /// `Network.clearBrowserCache`: the HTTP cache of the target's browser context.
    public struct ClearBrowserCache: CDPCommand {
        public static let method = "Network.clearBrowserCache"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }
}
