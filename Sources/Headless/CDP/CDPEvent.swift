public import RenderTypes
import Foundation

/// One CDP event as it arrived: `sessionId` is nil for browser-level events.
public struct CDPEvent: Sendable {
    public let method: String
    public let params: JSONValue
    public let sessionId: String?

    public init(method: String, params: JSONValue, sessionId: String?) {
        self.method = method
        self.params = params
        self.sessionId = sessionId
    }

    /// Decodes `params` into a typed struct (unknown fields are ignored: Chromium adds fields freely).
    /// Throws `CDPError.invalidResponse` naming the event when the params do not fit.
    public func decodeParams<P: Decodable>(as type: P.Type = P.self) throws(CDPError) -> P {
        do {
            return try JSONDecoder().decode(P.self, from: params.jsonData())
        } catch {
            throw CDPError.invalidResponse(method: method, detail: "event params: \(error)")
        }
    }
}
