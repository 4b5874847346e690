public import RenderTypes

/// The typed params of a JSON-RPC method, decoded strictly from the request's `params`.
///
/// Conformers list their `parameters` in documented order; a method that also accepts params by
/// position says so with `paramStructure`, and an array is then mapped onto those names before
/// strict decoding. A conformer may replace `decode(params:)` when its params have another shape.
public protocol RpcParams: Decodable, Sendable {
    /// The documented parameters, in positional order.
    static var parameters: [RpcParameter] { get }
    /// Whether params come by name, by position, or either way. Defaults to `.byName`.
    static var paramStructure: RpcParamStructure { get }
    /// Decodes the request's `params` (nil when the member is absent); throws `FieldError`.
    static func decode(params: JSONValue?) throws(FieldError) -> Self
}

extension RpcParams {
    public static var paramStructure: RpcParamStructure { .byName }

    public static func decode(params: JSONValue?) throws(FieldError) -> Self {
        try StrictJSONDecoder().decode(Self.self, from: namedParams(params))
    }

    /// The params as an object: absent params are `{}`, an array is mapped onto `parameters` by
    /// position when `paramStructure` allows it. Throws `FieldError` for a refused shape.
    public static func namedParams(_ params: JSONValue?) throws(FieldError) -> JSONValue {
        switch params {
        case nil:
            return .object([:])
        case .object:
            if paramStructure == .byPosition {
                throw FieldError(field: "", kind: .typeMismatch(expected: "array", found: "object"))
            }
            return params!
        case .array(let values):
            guard paramStructure != .byName else {
                throw FieldError(field: "", kind: .typeMismatch(expected: "object", found: "array"))
            }
            guard values.count <= parameters.count else {
                throw FieldError(
                    field: "[\(parameters.count)]",
                    kind: .invalidValue("too many params: the method takes at most \(parameters.count)")
                )
            }
            var object: [String: JSONValue] = [:]
            for (parameter, value) in zip(parameters, values) {
                object[parameter.name] = value
            }
            return .object(object)
        case .some(let other):
            // The engine refuses primitive params as an invalid request before we get here.
            throw FieldError(field: "", kind: .typeMismatch(expected: "object", found: other.kindName))
        }
    }
}

/// The params of a method that takes none: absent params, `{}` and `[]` are accepted, anything
/// else is refused naming the first unexpected field.
public struct NoParams: RpcParams {
    public static let parameters: [RpcParameter] = []
    public static let paramStructure = RpcParamStructure.either

    public init() {}

    public init(from decoder: any Decoder) throws {
        // Opening the container marks nothing as read, so every present key is reported unknown.
        _ = try decoder.container(keyedBy: NoKeys.self)
    }

    private struct NoKeys: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
