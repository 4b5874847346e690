import RenderTypes

/// Checks a JSON value against the subset of JSON Schema the OpenRPC document uses (type,
/// properties, required, additionalProperties, items, enum, oneOf, minimum/maximum, $ref to
/// components), returning the first violation as a path and a reason.
struct SchemaValidator {
    let components: [String: JSONValue]

    func violation(of value: JSONValue, against schema: JSONValue, at path: String = "$") -> String? {
        guard case .object(let rules) = schema else { return nil }
        if let ref = rules["$ref"]?.stringValue {
            let name = String(ref.split(separator: "/").last ?? "")
            guard let target = components[name] else { return "\(path): unresolved \(ref)" }
            return violation(of: value, against: target, at: path)
        }
        if let alternatives = rules["oneOf"]?.arrayValue {
            let matching = alternatives.filter { violation(of: value, against: $0, at: path) == nil }
            return matching.count == 1 ? nil : "\(path): matches \(matching.count) of oneOf"
        }
        if let type = rules["type"]?.stringValue, !Self.matches(value, type: type) {
            return "\(path): expected \(type), found \(value.kindName)"
        }
        if let types = rules["type"]?.arrayValue?.compactMap(\.stringValue), !types.contains(where: { Self.matches(value, type: $0) }) {
            return "\(path): expected one of \(types.joined(separator: ", ")), found \(value.kindName)"
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(value) {
            return "\(path): \(value.jsonString()) not in enum"
        }
        if let minimum = rules["minimum"]?.doubleValue, let number = value.doubleValue, number < minimum {
            return "\(path): below minimum \(minimum)"
        }
        if let maximum = rules["maximum"]?.doubleValue, let number = value.doubleValue, number > maximum {
            return "\(path): above maximum \(maximum)"
        }
        if case .object(let object) = value {
            let properties = rules["properties"]?.objectValue ?? [:]
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                return "\(path).\(name): required but absent"
            }
            for (name, member) in object {
                if let propertySchema = properties[name] {
                    if let problem = violation(of: member, against: propertySchema, at: "\(path).\(name)") { return problem }
                } else if rules["additionalProperties"] == .bool(false) {
                    return "\(path).\(name): not in the schema"
                } else if let extra = rules["additionalProperties"],
                    let problem = violation(of: member, against: extra, at: "\(path).\(name)")
                {
                    return problem
                }
            }
        }
        if case .array(let items) = value, let itemSchema = rules["items"] {
            for (index, item) in items.enumerated() {
                if let problem = violation(of: item, against: itemSchema, at: "\(path)[\(index)]") { return problem }
            }
        }
        return nil
    }

    /// A value the schema accepts, built from its types, minimums, enums and required members.
    func sample(of schema: JSONValue) -> JSONValue {
        guard case .object(let rules) = schema else { return .null }
        if let ref = rules["$ref"]?.stringValue {
            return sample(of: components[String(ref.split(separator: "/").last ?? "")] ?? .null)
        }
        if let first = rules["oneOf"]?.arrayValue?.first { return sample(of: first) }
        if let first = rules["enum"]?.arrayValue?.first { return first }
        switch rules["type"]?.stringValue ?? rules["type"]?.arrayValue?.first?.stringValue {
        case "string": return "sample1"
        case "integer": return .int(rules["minimum"]?.intValue ?? 1)
        case "number": return .double(rules["minimum"]?.doubleValue ?? 1)
        case "boolean": return true
        case "array": return []
        case "object":
            let properties = rules["properties"]?.objectValue ?? [:]
            var object: [String: JSONValue] = [:]
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                object[name] = sample(of: properties[name] ?? [:])
            }
            return .object(object)
        default: return .null
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null),
            ("integer", .int), ("number", .int), ("number", .double):
            true
        default:
            false
        }
    }
}
