import Foundation
import RenderTypes
import SessionContext

/// One JSON-RPC call described ahead of sending: the method, its params, and how its result
/// becomes a `Value`. The typed methods of `RpcClient` and `RpcBatch` are built from these; make
/// your own with `init(method:params:)` for a method the client does not wrap.
public struct RpcCall<Value: Sendable>: Sendable {
    /// The JSON-RPC method name.
    public let method: String
    /// The params object (nil sends no `params` member).
    public let params: (any Encodable & Sendable)?
    /// A deadline floor for this call, above the client's `timeout` (a render's own `timeout_ms`).
    public var minimumTimeout: Duration?
    /// Decodes a whole response body (a single call's answer).
    let decodeResponse: @Sendable (Data) throws(RpcError) -> Value
    /// Decodes a result taken out of a batch answer.
    let decodeResult: @Sendable (JSONValue) throws(RpcError) -> Value
    /// For a render on a session: what the client-side session store counts and records.
    var sessionRender: SessionRender<Value>?

    /// A call whose result is decoded as `Wire` and handed out as `transform(wire)`.
    init<Wire: Decodable & Sendable>(
        method: String, params: (any Encodable & Sendable)?, wire: Wire.Type,
        _ transform: @escaping @Sendable (Wire) -> Value
    ) {
        self.method = method
        self.params = params
        self.decodeResponse = { (data: Data) throws(RpcError) -> Value in
            let envelope = try RpcCoding.decode(RpcResponseEnvelope<Wire>.self, from: data, what: "answer to \(method)")
            switch envelope.outcome {
            case .success(let wire): return transform(wire)
            case .failure(let object): throw RpcError(object)
            }
        }
        self.decodeResult = { (value: JSONValue) throws(RpcError) -> Value in
            let data: Data
            do {
                data = try value.jsonData()
            } catch {
                throw .invalidResponse("result of \(method) does not re-encode: \(error)")
            }
            return transform(try RpcCoding.decode(Wire.self, from: data, what: "result of \(method)"))
        }
    }
}

extension RpcCall where Value: Decodable & Sendable {
    /// A call of `method` with `params` whose result decodes as `Value`.
    public init(method: String, params: (any Encodable & Sendable)? = nil) {
        self.init(method: method, params: params, wire: Value.self) { $0 }
    }
}

/// What a render on a session leaves in the client-side store.
struct SessionRender<Value: Sendable>: Sendable {
    let sessionID: SessionID
    /// The URL asked for, recorded when the render fails.
    let url: String
    /// What a successful render records (final URL and render time).
    let outcome: @Sendable (Value) -> RequestOutcome
}
