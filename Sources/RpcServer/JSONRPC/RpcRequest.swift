import RenderTypes

/// One JSON-RPC request object, validated.
struct RpcRequest: Sendable {
    /// nil for a notification (no `id` member); `.null` when the caller sent `"id": null`.
    var id: JSONValue?
    var method: String
    /// nil when the `params` member is absent; otherwise an object or an array.
    var params: JSONValue?

    var isNotification: Bool { id == nil }

    /// Why a value is not a valid request, and the id to answer with (null when none was readable).
    struct Invalid: Error {
        var id: JSONValue
        var reason: String
    }

    private static let members: Set<String> = ["jsonrpc", "method", "params", "id"]

    /// Validates one member of a call (a single request or one batch entry).
    static func parse(_ value: JSONValue) -> Result<RpcRequest, Invalid> {
        guard case .object(let object) = value else {
            return .failure(Invalid(id: .null, reason: "a request must be an object, found \(value.kindName)"))
        }
        let id = object["id"]
        // The id is echoed only when it is one the specification allows.
        let answerID: JSONValue
        switch id {
        case nil, .null: answerID = .null
        case .string, .int, .double: answerID = id!
        case .some(let other):
            return .failure(Invalid(id: .null, reason: "id must be a string, number or null, found \(other.kindName)"))
        }
        guard object["jsonrpc"] == .string("2.0") else {
            return .failure(Invalid(id: answerID, reason: #"jsonrpc must be exactly "2.0""#))
        }
        guard case .string(let method) = object["method"] else {
            return .failure(Invalid(id: answerID, reason: "method must be a string"))
        }
        let params = object["params"]
        switch params {
        case nil, .object, .array: break
        case .some(let other):
            return .failure(Invalid(id: answerID, reason: "params must be an object or an array, found \(other.kindName)"))
        }
        if let unknown = object.keys.filter({ !members.contains($0) }).min() {
            return .failure(Invalid(id: answerID, reason: "unknown member \(unknown)"))
        }
        return .success(RpcRequest(id: id, method: method, params: params))
    }
}
