/// One documented parameter of a method: its name, schema and whether it is required.
///
/// The list of a params type's parameters, in order, drives both the OpenRPC document and the
/// mapping of by-position (array) params onto names, so the two cannot disagree.
public struct RpcParameter: Sendable, Hashable {
    public var name: String
    public var summary: String
    public var schema: JSONSchema
    public var required: Bool

    public init(_ name: String, _ schema: JSONSchema, required: Bool = false, summary: String = "") {
        self.name = name
        self.schema = schema
        self.required = required
        self.summary = summary
    }
}

/// How a method accepts its params (OpenRPC `paramStructure`).
public enum RpcParamStructure: String, Sendable, Hashable {
    /// Only an object of named params.
    case byName = "by-name"
    /// Only an array of params in their documented order.
    case byPosition = "by-position"
    /// Either form.
    case either
}
