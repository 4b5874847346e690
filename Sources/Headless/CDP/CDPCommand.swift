public import Foundation
import RenderTypes

/// A typed CDP command: its params are the struct's encoded fields, its reply decodes into `Response`.
///
/// ```swift
/// let reply = try await session.send(CDP.Runtime.Evaluate(expression: "1 + 1", returnByValue: true))
/// ```
public protocol CDPCommand: Encodable, Sendable {
    associatedtype Response: Decodable & Sendable
    /// The protocol method, e.g. `"Target.createBrowserContext"`.
    static var method: String { get }
    /// Decodes the reply's `result` from the whole reply message (`{"id":…,"result":{…}}`). The default
    /// uses `JSONDecoder`; a command whose result holds arbitrary JSON may parse it faster.
    static func decodeResponse(from message: Data) throws -> Response
}

extension CDPCommand {
    public static func decodeResponse(from message: Data) throws -> Response {
        try JSONDecoder().decode(ResultEnvelope<Response>.self, from: message).result
    }

    /// The command as method and params, for lists sent untyped (`CDPConnection.send(inOrder:)`, a
    /// worker's setup). The params of these plain structs always encode; nil only if they did not.
    var untyped: (method: String, params: JSONValue?) {
        let params = (try? JSONEncoder().encode(self)).flatMap { try? JSONParser.parse($0) }
        return (Self.method, params)
    }
}

/// The reply of commands that return nothing (`{}`); any fields Chromium adds are ignored.
public struct CDPEmptyResponse: Decodable, Sendable, Equatable {
    public init() {}
    public init(from decoder: any Decoder) throws {}
}
