import Foundation
import SessionContext

/// Params of `live.create`.
struct LiveCreateParams: RpcParams, Sendable, Hashable, Codable {
    var sessionId: SessionID
    var mode: String?
    var ttlSecs: Int?

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case mode
        case ttlSecs = "ttl_secs"
    }

    static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter(
            "mode", .string(oneOf: ["view", "control"]),
            summary: "view (default): watch only, input dropped; control: drive the page, the session held until Done."),
        RpcParameter(
            "ttl_secs", .integer(minimum: 1, maximum: 900),
            summary: "How long the link and its view may last (default 300), clamped to the session's remaining life."),
    ]
}

/// Params of `live.status` and `live.revoke`.
struct LiveIDParams: RpcParams, Sendable, Hashable, Codable {
    var liveId: String

    enum CodingKeys: String, CodingKey {
        case liveId = "live_id"
    }

    static let parameters = [RpcParameter("live_id", liveIDSchema, required: true)]
}

/// Params of `live.wait`.
struct LiveWaitParams: RpcParams, Sendable, Hashable, Codable {
    var liveId: String
    var timeoutMs: Int?

    enum CodingKeys: String, CodingKey {
        case liveId = "live_id"
        case timeoutMs = "timeout_ms"
    }

    static let parameters = [
        RpcParameter("live_id", liveIDSchema, required: true),
        RpcParameter(
            "timeout_ms", .integer(minimum: 0, maximum: LiveMethods.maxWaitMs),
            summary: "How long to wait for the view to end (default 30000); then ended is false."),
    ]
}

let liveIDSchema = JSONSchema.string(pattern: "^live_[0-9a-f]{32}(_([0-9a-f]{2}){1,256})?$")
