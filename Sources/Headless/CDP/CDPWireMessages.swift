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

/// The routing fields of any inbound message, fully decoded: the fallback when `InboundHeader`'s scan
/// gives up (escaped strings, unexpected shapes).
struct DecodedHeader: Decodable {
    let id: Int?
    let method: String?
    let sessionId: String?
    let error: ProtocolErrorBody?

    var header: InboundHeader { InboundHeader(id: id, method: method, sessionId: sessionId, hasError: error != nil) }
}

/// A reply's `error`, decoded only when the header scan saw one.
struct ErrorEnvelope: Decodable {
    let error: ProtocolErrorBody
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


/// An event with typed params, decoded straight from the message (absent params decode as `{}`).
struct TypedEventEnvelope<Params: Decodable>: Decodable {
    let params: Params

    enum CodingKeys: String, CodingKey {
        case params
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if container.contains(.params) {
            params = try container.decode(Params.self, forKey: .params)
        } else {
            params = try JSONDecoder().decode(Params.self, from: Data("{}".utf8))
        }
    }
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
