public import RenderTypes

// The params of the `cookies.*` methods (SPEC "Sessions"), shared by client and server.

/// Params of `cookies.get`.
public struct CookiesGetParams: Sendable, Hashable, Codable {
    public var sessionId: SessionID
    /// Only cookies a request to this host would carry.
    public var domain: String?
    /// Only cookies with this name.
    public var name: String?

    public init(sessionId: SessionID, domain: String? = nil, name: String? = nil) {
        self.sessionId = sessionId
        self.domain = domain
        self.name = name
    }

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case domain, name
    }
}

/// Params of `cookies.set`.
public struct CookiesSetParams: Sendable, Hashable, Codable {
    public var sessionId: SessionID
    /// Cookies to add; one with the same name, domain and path replaces the stored one.
    public var cookies: [Cookie]

    public init(sessionId: SessionID, cookies: [Cookie]) {
        self.sessionId = sessionId
        self.cookies = cookies
    }

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case cookies
    }
}

/// Params of `cookies.delete`.
public struct CookiesDeleteParams: Sendable, Hashable, Codable {
    public var sessionId: SessionID
    public var domain: String
    public var name: String
    /// Only the cookie with this path; every path when nil.
    public var path: String?

    public init(sessionId: SessionID, domain: String, name: String, path: String? = nil) {
        self.sessionId = sessionId
        self.domain = domain
        self.name = name
        self.path = path
    }

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case domain, name, path
    }
}
