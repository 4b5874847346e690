public import RenderTypes

/// A JSON Schema fragment describing a parameter or a result in the OpenRPC document.
///
/// Built from small constructors so each method states its schema next to its params type;
/// the OpenRPC document is generated from these, never written by hand.
public struct JSONSchema: Sendable, Hashable {
    /// The schema as JSON.
    public var json: JSONValue

    public init(json: JSONValue) {
        self.json = json
    }

    /// Any JSON value.
    public static let any = JSONSchema(json: [:])

    /// A boolean.
    public static let boolean = JSONSchema(json: ["type": "boolean"])

    /// A string, optionally restricted by a regular expression, a length or an enumeration.
    public static func string(
        pattern: String? = nil, maxLength: Int? = nil, oneOf values: [String]? = nil, format: String? = nil
    ) -> JSONSchema {
        var object: [String: JSONValue] = ["type": "string"]
        if let pattern { object["pattern"] = .string(pattern) }
        if let maxLength { object["maxLength"] = .int(maxLength) }
        if let values { object["enum"] = .array(values.map(JSONValue.string)) }
        if let format { object["format"] = .string(format) }
        return JSONSchema(json: .object(object))
    }

    /// A string.
    public static let string = string()

    /// An integer within optional bounds.
    public static func integer(minimum: Int? = nil, maximum: Int? = nil) -> JSONSchema {
        var object: [String: JSONValue] = ["type": "integer"]
        if let minimum { object["minimum"] = .int(minimum) }
        if let maximum { object["maximum"] = .int(maximum) }
        return JSONSchema(json: .object(object))
    }

    /// An integer.
    public static let integer = integer()

    /// A number within optional bounds.
    public static func number(minimum: Double? = nil, maximum: Double? = nil) -> JSONSchema {
        var object: [String: JSONValue] = ["type": "number"]
        if let minimum { object["minimum"] = .double(minimum) }
        if let maximum { object["maximum"] = .double(maximum) }
        return JSONSchema(json: .object(object))
    }

    /// A number.
    public static let number = number()

    /// An array whose items match `items`.
    public static func array(of items: JSONSchema, maxItems: Int? = nil) -> JSONSchema {
        var object: [String: JSONValue] = ["type": "array", "items": items.json]
        if let maxItems { object["maxItems"] = .int(maxItems) }
        return JSONSchema(json: .object(object))
    }

    /// An object with the given properties; unknown properties are refused unless
    /// `additionalProperties` says what they may hold.
    public static func object(
        _ properties: [String: JSONSchema], required: [String] = [],
        additionalProperties: JSONSchema? = nil, maxProperties: Int? = nil
    ) -> JSONSchema {
        var object: [String: JSONValue] = [
            "type": "object",
            "properties": .object(properties.mapValues(\.json)),
            "additionalProperties": additionalProperties?.json ?? false,
        ]
        if !required.isEmpty { object["required"] = .array(required.sorted().map(JSONValue.string)) }
        if let maxProperties { object["maxProperties"] = .int(maxProperties) }
        return JSONSchema(json: .object(object))
    }

    /// A reference to a schema of the document's `components.schemas`.
    public static func ref(_ name: String) -> JSONSchema {
        JSONSchema(json: ["$ref": .string("#/components/schemas/\(name)")])
    }

    /// This schema with a human description attached.
    public func described(_ description: String) -> JSONSchema {
        guard case .object(var object) = json else { return self }
        object["description"] = .string(description)
        return JSONSchema(json: .object(object))
    }

    /// A value matching exactly one of `alternatives`.
    public static func oneOf(_ alternatives: [JSONSchema]) -> JSONSchema {
        JSONSchema(json: ["oneOf": .array(alternatives.map(\.json))])
    }

    /// This schema, or JSON null.
    public var orNull: JSONSchema {
        JSONSchema(json: ["oneOf": [json, ["type": "null"]]])
    }

    /// This schema also accepting JSON null, said as simply as JSON Schema 2020-12 (OpenAPI 3.1)
    /// allows: a single `type` becomes `[type, "null"]` (and an `enum` gains null); anything else
    /// becomes `oneOf` itself or null, its description kept outside. Any value already takes null.
    public var acceptingNull: JSONSchema {
        guard case .object(var object) = json, !object.isEmpty else { return self }
        if case .string(let type)? = object["type"] {
            object["type"] = [.string(type), "null"]
            if case .array(let values)? = object["enum"] { object["enum"] = .array(values + [.null]) }
            return JSONSchema(json: .object(object))
        }
        let description = object.removeValue(forKey: "description")
        var wrapped: [String: JSONValue] = ["oneOf": [.object(object), ["type": "null"]]]
        if let description { wrapped["description"] = description }
        return JSONSchema(json: .object(wrapped))
    }
}
