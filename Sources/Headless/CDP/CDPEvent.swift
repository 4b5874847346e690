public import RenderTypes
import Foundation

/// One CDP event as it arrived: `sessionId` is nil for browser-level events. The params are kept as the
/// message's bytes and decoded when asked for (once, straight into the type the reader wants).
public struct CDPEvent: Sendable {
    public let method: String
    public let sessionId: String?
    private let body: Body

    private enum Body: Sendable {
        case params(JSONValue)
        /// The whole inbound message (`{"method":…,"params":{…},"sessionId":…}`).
        case message(Data)
    }

    public init(method: String, params: JSONValue, sessionId: String?) {
        self.method = method
        self.sessionId = sessionId
        self.body = .params(params)
    }

    /// An event backed by its inbound message, whose params are decoded on demand.
    init(method: String, sessionId: String?, message: Data) {
        self.method = method
        self.sessionId = sessionId
        self.body = .message(message)
    }

    /// The params as JSON (an empty object when the event has none or they do not decode).
    public var params: JSONValue {
        switch body {
        case .params(let params):
            return params
        case .message(let message):
            return (try? JSONParser.parse(message, strictness: .lenient)["params"]) ?? .object([:])
        }
    }

    /// Decodes `params` into a typed struct (unknown fields are ignored: Chromium adds fields freely).
    /// Throws `CDPError.invalidResponse` naming the event when the params do not fit.
    public func decodeParams<P: Decodable>(as type: P.Type = P.self) throws(CDPError) -> P {
        do {
            switch body {
            case .params(let params):
                return try JSONDecoder().decode(P.self, from: params.jsonData())
            case .message(let message):
                return try JSONDecoder().decode(TypedEventEnvelope<P>.self, from: message).params
            }
        } catch {
            throw CDPError.invalidResponse(method: method, detail: "event params: \(error)")
        }
    }
}
