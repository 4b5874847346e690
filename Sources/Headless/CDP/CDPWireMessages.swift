import Foundation
import RenderTypes

// The JSON shapes of CDP's framing (not of any domain). Property names are CDP's own camelCase keys.

/// An outbound command: `{"id":1,"method":"…","params":{…},"sessionId":"…"}`.
struct OutboundCommand<Params: Encodable>: Encodable {
    let id: Int
    let method: String
    let params: Params?
    let sessionId: String?

    enum CodingKeys: String, CodingKey {
        case id, method, params, sessionId
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(method, forKey: .method)
        try container.encodeIfPresent(params, forKey: .params)
        try container.encodeIfPresent(sessionId, forKey: .sessionId)
    }
}

/// The routing fields of any inbound message; the rest is decoded only by whoever needs it.
struct InboundHeader: Decodable {
    let id: Int?
    let method: String?
    let sessionId: String?
    let error: ProtocolErrorBody?
}

/// CDP's error object.
struct ProtocolErrorBody: Decodable {
    let code: Int
    let message: String
    let data: String?
}

/// A reply's `result`, decoded into the caller's type.
struct ResultEnvelope<Result: Decodable>: Decodable {
    let result: Result
}

/// An event with its params kept as JSON.
struct EventEnvelope: Decodable {
    let method: String
    let params: JSONValue?
    let sessionId: String?
}

/// An event with typed params (for the few events the connection itself watches).
struct TypedEventEnvelope<Params: Decodable>: Decodable {
    let params: Params
}

/// `Target.attachedToTarget`.
struct AttachedToTargetParams: Decodable {
    struct TargetInfo: Decodable { let targetId: String }
    let sessionId: String
    let targetInfo: TargetInfo
}

/// `Target.detachedFromTarget`.
struct DetachedFromTargetParams: Decodable {
    let sessionId: String
}

/// `Target.targetCrashed`.
struct TargetCrashedParams: Decodable {
    let targetId: String
    let status: String?
}

/// `Inspector.detached`.
struct InspectorDetachedParams: Decodable {
    let reason: String
}
