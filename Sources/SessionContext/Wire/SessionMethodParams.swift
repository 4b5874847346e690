public import RenderTypes

// The params of the `session.*` methods (SPEC "Sessions"), the one Codable shape client and server
// share: the client encodes them, the server decodes them strictly.

/// Params of `session.create`; every field is optional.
public struct SessionCreateParams: Sendable, Hashable, Codable {
    /// The id to use; the server generates one when nil.
    public var sessionId: SessionID?
    public var ttlSecs: Int?
    public var autoRenew: Bool?
    /// Render calls allowed; 0 is unlimited.
    public var maxRequests: Int?
    public var metadata: [String: JSONValue]?
    /// A named on-disk Chromium profile, `[A-Za-z0-9_-]{1,64}`.
    public var profile: String?
    /// Keep the session's browser context open between calls.
    public var keepWarm: Bool?

    public init(
        sessionId: SessionID? = nil, ttlSecs: Int? = nil, autoRenew: Bool? = nil, maxRequests: Int? = nil,
        metadata: [String: JSONValue]? = nil, profile: String? = nil, keepWarm: Bool? = nil
    ) {
        self.sessionId = sessionId
        self.ttlSecs = ttlSecs
        self.autoRenew = autoRenew
        self.maxRequests = maxRequests
        self.metadata = metadata
        self.profile = profile
        self.keepWarm = keepWarm
    }

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case ttlSecs = "ttl_secs"
        case autoRenew = "auto_renew"
        case maxRequests = "max_requests"
        case metadata, profile
        case keepWarm = "keep_warm"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sessionId = try c.decodeIfPresent(SessionID.self, forKey: .sessionId)
        ttlSecs = try c.decodeIfPresent(Int.self, forKey: .ttlSecs)
        autoRenew = try c.decodeIfPresent(Bool.self, forKey: .autoRenew)
        maxRequests = try c.decodeIfPresent(Int.self, forKey: .maxRequests)
        metadata = try c.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
        profile = try c.decodeProfileNameIfPresent(forKey: .profile)
        keepWarm = try c.decodeIfPresent(Bool.self, forKey: .keepWarm)
    }
}

/// Params of the methods that take only a session id (`session.get`, `session.delete`, `cookies.clear`).
public struct SessionIDParams: Sendable, Hashable, Codable {
    public var sessionId: SessionID

    public init(sessionId: SessionID) {
        self.sessionId = sessionId
    }

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
    }
}

/// Params of `session.list`.
public struct SessionListParams: Sendable, Hashable, Codable {
    /// Sessions per page, 1...1000 (server default 100).
    public var limit: Int?
    /// The previous page's `next_cursor`.
    public var cursor: String?

    public init(limit: Int? = nil, cursor: String? = nil) {
        self.limit = limit
        self.cursor = cursor
    }

    enum CodingKeys: String, CodingKey {
        case limit, cursor
    }
}

/// Params of `session.extend`.
public struct SessionExtendParams: Sendable, Hashable, Codable {
    public var sessionId: SessionID
    /// The new lifetime, counted from now.
    public var ttlSecs: Int

    public init(sessionId: SessionID, ttlSecs: Int) {
        self.sessionId = sessionId
        self.ttlSecs = ttlSecs
    }

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case ttlSecs = "ttl_secs"
    }
}

/// Params of `session.set_metadata`.
public struct SessionSetMetadataParams: Sendable, Hashable, Codable {
    public var sessionId: SessionID
    /// Keys to merge; a null value removes the key.
    public var metadata: [String: JSONValue]

    public init(sessionId: SessionID, metadata: [String: JSONValue]) {
        self.sessionId = sessionId
        self.metadata = metadata
    }

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case metadata
    }
}
