import RenderTypes
import SessionContext

/// The schema of a session id param.
let sessionIDSchema = JSONSchema.string(pattern: "^[A-Za-z0-9_.-]{1,128}$")
    .described("A session id: caller-given [A-Za-z0-9_.-]{1,128}, or generated ses_ + 32 hex digits.")

/// Params of `session.create`.
struct SessionCreateParams: RpcParams {
    static let parameters = [
        RpcParameter("session_id", sessionIDSchema, summary: "The id to use; generated when absent."),
        RpcParameter("ttl_secs", .integer(minimum: 1), summary: "Lifetime in seconds (server default when absent)."),
        RpcParameter("auto_renew", .boolean, summary: "Whether each access moves expires_at (default true)."),
        RpcParameter("max_requests", .integer(minimum: 0), summary: "Render calls allowed; 0 is unlimited (default)."),
        RpcParameter("metadata", .object([:], additionalProperties: .any), summary: "Caller data kept with the session."),
        RpcParameter("profile", .string(pattern: "^[A-Za-z0-9_-]{1,64}$"), summary: "Named on-disk Chromium profile."),
        RpcParameter("keep_warm", .boolean, summary: "Keep the browser context open between calls."),
    ]

    var sessionId: SessionID?
    var ttlSecs: Int?
    var autoRenew: Bool?
    var maxRequests: Int?
    var metadata: [String: JSONValue]?
    var profile: String?
    var keepWarm: Bool?

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case ttlSecs = "ttl_secs"
        case autoRenew = "auto_renew"
        case maxRequests = "max_requests"
        case metadata, profile
        case keepWarm = "keep_warm"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sessionId = try c.decodeIfPresent(SessionID.self, forKey: .sessionId)
        ttlSecs = try c.decodeIfPresent(Int.self, forKey: .ttlSecs)
        autoRenew = try c.decodeIfPresent(Bool.self, forKey: .autoRenew)
        maxRequests = try c.decodeIfPresent(Int.self, forKey: .maxRequests)
        metadata = try c.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
        profile = try c.decodeIfPresent(String.self, forKey: .profile)
        keepWarm = try c.decodeIfPresent(Bool.self, forKey: .keepWarm)
        if let profile, let reason = ProfileName.invalidReason(profile) {
            try c.require(false, .profile, reason)
        }
    }
}

/// Params of the methods that take only a session id (`session.get`, `session.delete`, `cookies.clear`).
struct SessionIDParams: RpcParams {
    static let parameters = [RpcParameter("session_id", sessionIDSchema, required: true)]
    static let paramStructure = RpcParamStructure.either

    var sessionId: SessionID

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
    }
}

/// Params of `session.list`.
struct SessionListParams: RpcParams {
    static let parameters = [
        RpcParameter("limit", .integer(minimum: 1, maximum: 1000), summary: "Sessions per page (default 100)."),
        RpcParameter("cursor", .string, summary: "next_cursor of the previous page."),
    ]
    static let paramStructure = RpcParamStructure.either

    var limit: Int?
    var cursor: String?
}

/// Params of `session.extend`.
struct SessionExtendParams: RpcParams {
    static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter("ttl_secs", .integer(minimum: 1), required: true, summary: "New lifetime, counted from now."),
    ]
    static let paramStructure = RpcParamStructure.either

    var sessionId: SessionID
    var ttlSecs: Int

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case ttlSecs = "ttl_secs"
    }
}

/// Params of `session.set_metadata`.
struct SessionSetMetadataParams: RpcParams {
    static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter(
            "metadata", .object([:], additionalProperties: .any), required: true,
            summary: "Keys to merge; a null value removes the key."
        ),
    ]
    static let paramStructure = RpcParamStructure.either

    var sessionId: SessionID
    var metadata: [String: JSONValue]

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case metadata
    }
}
