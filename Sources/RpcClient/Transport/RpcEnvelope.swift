import Foundation
import RenderTypes

/// One JSON-RPC 2.0 request object as the client sends it (always with an id: the client makes
/// calls, not notifications).
struct RpcRequestEnvelope: Encodable, Sendable {
    let method: String
    let params: (any Encodable & Sendable)?
    let id: Int

    enum CodingKeys: String, CodingKey {
        case jsonrpc, method, params, id
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("2.0", forKey: .jsonrpc)
        try c.encode(method, forKey: .method)
        if let params { try c.encode(params, forKey: .params) }
        try c.encode(id, forKey: .id)
    }
}

/// One JSON-RPC 2.0 response object: its id and either a result of type `R` or an error.
/// Unknown members are ignored, so a newer server's additions never break an older client.
struct RpcResponseEnvelope<R: Decodable>: Decodable {
    let id: JSONValue
    let outcome: Result<R, RpcErrorObject>

    enum CodingKeys: String, CodingKey {
        case id, result, error
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(JSONValue.self, forKey: .id) ?? .null
        if let error = try c.decodeIfPresent(RpcErrorObject.self, forKey: .error) {
            outcome = .failure(error)
        } else if c.contains(.result) {
            outcome = .success(try c.decode(R.self, forKey: .result))
        } else {
            throw DecodingError.keyNotFound(
                CodingKeys.result, .init(codingPath: [], debugDescription: "a response needs a result or an error")
            )
        }
    }
}

/// Encodes and decodes the wire form; the one place the client touches JSON coders.
enum RpcCoding {
    /// Compact JSON of `value` (slashes unescaped, so URLs stay readable in logs).
    static func encode(_ value: some Encodable) throws(RpcError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return try encoder.encode(value)
        } catch {
            throw .invalidArgument("params do not encode as JSON: \(error)")
        }
    }

    /// Decodes `type` from `data`; a failure names the field (`result.sessions[0].created_at`).
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: @autoclosure () -> String) throws(RpcError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw .invalidResponse("\(what()) does not decode as \(T.self): \(FieldError.from(error))")
        }
    }
}
