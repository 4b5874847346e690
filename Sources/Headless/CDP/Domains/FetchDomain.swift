extension CDP.Fetch {
    /// `Fetch.RequestPattern`: which requests pause (`*`/`?` wildcards, `\` escapes).
    public struct RequestPattern: Encodable, Sendable, Hashable {
        public var urlPattern: String?
        public var resourceType: String?
        public var requestStage: String?
        public init(urlPattern: String? = nil, resourceType: String? = nil, requestStage: String? = "Request") {
            self.urlPattern = urlPattern
            self.resourceType = resourceType
            self.requestStage = requestStage
        }
    }

    /// `Fetch.enable`: matching requests pause until failed or continued.
    public struct Enable: CDPCommand {
        public static let method = "Fetch.enable"
        public typealias Response = CDPEmptyResponse
        public var patterns: [RequestPattern]
        public var handleAuthRequests: Bool?
        public init(patterns: [RequestPattern], handleAuthRequests: Bool? = nil) {
            self.patterns = patterns
            self.handleAuthRequests = handleAuthRequests
        }
    }

    /// `Fetch.failRequest`.
    public struct FailRequest: CDPCommand {
        public static let method = "Fetch.failRequest"
        public typealias Response = CDPEmptyResponse
        public var requestId: String
        public var errorReason: String
        public init(requestId: String, errorReason: String = "BlockedByClient") {
            self.requestId = requestId
            self.errorReason = errorReason
        }
    }

    /// `Fetch.continueRequest` unchanged.
    public struct ContinueRequest: CDPCommand {
        public static let method = "Fetch.continueRequest"
        public typealias Response = CDPEmptyResponse
        public var requestId: String
        public init(requestId: String) { self.requestId = requestId }
    }

    /// `Fetch.AuthChallengeResponse`.
    public struct AuthChallengeResponse: Encodable, Sendable {
        public var response: String
        public var username: String?
        public var password: String?
        public init(response: String, username: String? = nil, password: String? = nil) {
            self.response = response
            self.username = username
            self.password = password
        }
    }

    /// `Fetch.continueWithAuth`: answers a proxy or server authentication challenge.
    public struct ContinueWithAuth: CDPCommand {
        public static let method = "Fetch.continueWithAuth"
        public typealias Response = CDPEmptyResponse
        public var requestId: String
        public var authChallengeResponse: AuthChallengeResponse
        public init(requestId: String, authChallengeResponse: AuthChallengeResponse) {
            self.requestId = requestId
            self.authChallengeResponse = authChallengeResponse
        }
    }

    /// `Fetch.requestPaused` params.
    public struct RequestPaused: Decodable, Sendable {
        public let requestId: String
        public let request: CDP.Network.Request
        public let frameId: String?
        public let resourceType: String
        public let networkId: String?
        /// Set when the request paused at its response (a pattern with `requestStage` "Response").
        public let responseStatusCode: Int?
        public let responseErrorReason: String?

        /// Whether it paused at its response rather than before it went out.
        public var atResponse: Bool { responseStatusCode != nil || responseErrorReason != nil }
    }

    /// `Fetch.authRequired` params.
    public struct AuthRequired: Decodable, Sendable {
        public struct Challenge: Decodable, Sendable {
            public let source: String?
            public let origin: String
        }
        public let requestId: String
        public let authChallenge: Challenge
    }
}

extension CDP.Fetch {
    /// `Fetch.disable`: paused requests continue and no new ones pause.
    public struct Disable: CDPCommand {
        public static let method = "Fetch.disable"
        public typealias Response = CDPEmptyResponse
        public init() {}
    }

    /// `Fetch.HeaderEntry`.
    public struct HeaderEntry: Encodable, Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// `Fetch.fulfillRequest`: answers a paused request without the network.
    public struct FulfillRequest: CDPCommand {
        public static let method = "Fetch.fulfillRequest"
        public typealias Response = CDPEmptyResponse
        public var requestId: String
        public var responseCode: Int
        public var responseHeaders: [HeaderEntry]
        /// Base64 body.
        public var body: String
        public init(requestId: String, responseCode: Int, responseHeaders: [HeaderEntry], body: String) {
            self.requestId = requestId
            self.responseCode = responseCode
            self.responseHeaders = responseHeaders
            self.body = body
        }
    }
}
