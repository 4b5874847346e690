public import Foundation
public import RenderTypes

/// The wire form of a session (SPEC `SessionInfo`), what `session.get` and friends return.
/// Timestamps travel as RFC 3339 UTC text.
public struct SessionInfo: Sendable, Hashable {
    public var sessionId: SessionID
    public var createdAt: Date
    public var lastAccessed: Date
    public var expiresAt: Date
    public var ttlSecs: Int
    public var autoRenew: Bool
    public var maxRequests: Int
    public var requestCount: Int
    public var avgRenderTimeMs: Double
    public var lastUrl: String?
    public var lastError: String?
    public var metadata: [String: JSONValue]
    public var cookieCount: Int
    public var profile: String?

    /// The wire form of `session`.
    public init(_ session: RpcSessionContext) {
        sessionId = session.sessionId
        createdAt = session.createdAt
        lastAccessed = session.lastAccessed
        expiresAt = session.expiresAt
        ttlSecs = session.config.ttlSeconds
        autoRenew = session.config.autoRenew
        maxRequests = session.config.maxRequests
        requestCount = session.requestCount
        avgRenderTimeMs = session.avgRenderTimeMs
        lastUrl = session.lastUrl
        lastError = session.lastError
        metadata = session.metadata
        cookieCount = session.cookies.count
        profile = session.profile
    }
}

extension SessionInfo: Codable {
    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case createdAt = "created_at"
        case lastAccessed = "last_accessed"
        case expiresAt = "expires_at"
        case ttlSecs = "ttl_secs"
        case autoRenew = "auto_renew"
        case maxRequests = "max_requests"
        case requestCount = "request_count"
        case avgRenderTimeMs = "avg_render_time_ms"
        case lastUrl = "last_url"
        case lastError = "last_error"
        case metadata
        case cookieCount = "cookie_count"
        case profile
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sessionId = try c.decode(SessionID.self, forKey: .sessionId)
        createdAt = try c.decodeRFC3339(forKey: .createdAt)
        lastAccessed = try c.decodeRFC3339(forKey: .lastAccessed)
        expiresAt = try c.decodeRFC3339(forKey: .expiresAt)
        ttlSecs = try c.decode(Int.self, forKey: .ttlSecs)
        autoRenew = try c.decode(Bool.self, forKey: .autoRenew)
        maxRequests = try c.decode(Int.self, forKey: .maxRequests)
        requestCount = try c.decode(Int.self, forKey: .requestCount)
        avgRenderTimeMs = try c.decode(Double.self, forKey: .avgRenderTimeMs)
        lastUrl = try c.decodeIfPresent(String.self, forKey: .lastUrl)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        metadata = try c.decode([String: JSONValue].self, forKey: .metadata)
        cookieCount = try c.decode(Int.self, forKey: .cookieCount)
        profile = try c.decodeIfPresent(String.self, forKey: .profile)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sessionId, forKey: .sessionId)
        try c.encode(RFC3339.string(from: createdAt), forKey: .createdAt)
        try c.encode(RFC3339.string(from: lastAccessed), forKey: .lastAccessed)
        try c.encode(RFC3339.string(from: expiresAt), forKey: .expiresAt)
        try c.encode(ttlSecs, forKey: .ttlSecs)
        try c.encode(autoRenew, forKey: .autoRenew)
        try c.encode(maxRequests, forKey: .maxRequests)
        try c.encode(requestCount, forKey: .requestCount)
        try c.encode(avgRenderTimeMs, forKey: .avgRenderTimeMs)
        try c.encodeIfPresent(lastUrl, forKey: .lastUrl)
        try c.encodeIfPresent(lastError, forKey: .lastError)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(cookieCount, forKey: .cookieCount)
        try c.encodeIfPresent(profile, forKey: .profile)
    }
}

extension KeyedDecodingContainer {
    /// Decodes an RFC 3339 timestamp string.
    func decodeRFC3339(forKey key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = RFC3339.date(from: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must be an RFC 3339 timestamp")
        }
        return date
    }
}
