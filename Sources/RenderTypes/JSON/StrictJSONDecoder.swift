public import Foundation

/// Why a value could not be decoded strictly, with the path of the offending field.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The object carries a field the type does not know (a typo, usually).
        case unknownField
        /// A required field is absent.
        case missingField
        /// The field has the wrong JSON type.
        case typeMismatch(expected: String, found: String)
        /// The field has the right type but a value the type refuses (out of range, bad format…).
        case invalidValue(String)
    }

    /// Dotted path of the field, array elements as `[n]`: `config.actions[2].selector`.
    /// Empty for the top-level value itself.
    public var field: String
    public var kind: Kind

    public init(field: String, kind: Kind) {
        self.field = field
        self.kind = kind
    }

    /// A human sentence saying what is wrong, without the field name.
    public var reason: String {
        switch kind {
        case .unknownField: "unknown field"
        case .missingField: "required field is missing"
        case .typeMismatch(let expected, let found): "expected \(expected), found \(found)"
        case .invalidValue(let why): why
        }
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }

    /// Renders a coding path the way `field` does.
    public static func path(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                out += "[\(index)]"
            } else {
                if !out.isEmpty { out += "." }
                out += key.stringValue
            }
        }
        return out
    }

    /// Translates any error thrown while decoding into a `FieldError`.
    public static func from(_ error: any Error) -> FieldError {
        if let fieldError = error as? FieldError { return fieldError }
        guard let decodingError = error as? DecodingError else {
            return FieldError(field: "", kind: .invalidValue("\(error)"))
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return FieldError(field: path(context.codingPath + [key]), kind: .missingField)
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let found = context.debugDescription.components(separatedBy: "found ").last ?? "another type"
            return FieldError(
                field: path(context.codingPath),
                kind: .typeMismatch(expected: StrictJSONDecoder.jsonTypeName(type), found: found)
            )
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError as? FieldError { return underlying }
            return FieldError(field: path(context.codingPath), kind: .invalidValue(context.debugDescription))
        @unknown default:
            return FieldError(field: "", kind: .invalidValue("\(decodingError)"))
        }
    }
}

/// Decodes `Decodable` types from a `JSONValue` tree and refuses what synthesized `Codable` lets
/// pass silently: an object field that no decoder asked for is an error naming its path, so a typo
/// like `timeuot_ms` never goes unnoticed. Integers never decode from fractional numbers and nothing
/// is converted between strings and numbers.
public struct StrictJSONDecoder: Sendable {
    public init() {}

    /// Decodes `type` from `value`; throws `FieldError`.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws(FieldError) -> T {
        if let same = value as? T { return same }
        let tracker = KeyTracker()
        let decoder = StrictValueDecoder(value: value, codingPath: [], tracker: tracker)
        let result: T
        do {
            result = try T(from: decoder)
        } catch {
            throw FieldError.from(error)
        }
        if let unknown = tracker.firstUnknownField() {
            throw FieldError(field: unknown, kind: .unknownField)
        }
        return result
    }

    /// Parses `data` as JSON and decodes `type` from it; throws `FieldError`.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(FieldError) -> T {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: data)
        } catch {
            throw FieldError(field: "", kind: .invalidValue("not valid JSON"))
        }
        return try decode(type, from: value)
    }

    /// The JSON name of a Swift type, as error messages show it.
    static func jsonTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: "string"
        case is Bool.Type: "boolean"
        case is Int.Type, is Int8.Type, is Int16.Type, is Int32.Type, is Int64.Type,
            is UInt.Type, is UInt8.Type, is UInt16.Type, is UInt32.Type, is UInt64.Type:
            "integer"
        case is Double.Type, is Float.Type: "number"
        default:
            String(describing: type).hasPrefix("Array") ? "array"
                : String(describing: type).hasPrefix("Dictionary") ? "object" : "\(type)"
        }
    }
}

// MARK: - Implementation

/// Records every object a keyed container was opened on and the keys that were asked for.
/// Lives for one `decode` call on one thread; never shared across tasks.
private final class KeyTracker {
    private var objects: [String: (keys: Set<String>, asked: Set<String>)] = [:]

    func register(path: String, keys: some Sequence<String>) {
        if objects[path] == nil { objects[path] = (Set(keys), []) }
    }

    func asked(path: String, key: String) {
        objects[path]?.asked.insert(key)
    }

    func askedAll(path: String) {
        if let entry = objects[path] { objects[path]?.asked = entry.keys }
    }

    func firstUnknownField() -> String? {
        var unknown: [String] = []
        for (path, entry) in objects {
            for key in entry.keys.subtracting(entry.asked) {
                unknown.append(path.isEmpty ? key : "\(path).\(key)")
            }
        }
        return unknown.min()
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String { "\(index)" }
    var intValue: Int? { index }
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.index = intValue }
}

private struct StrictValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let tracker: KeyTracker
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw mismatch("object", codingPath)
        }
        let path = FieldError.path(codingPath)
        tracker.register(path: path, keys: object.keys)
        return KeyedDecodingContainer(
            StrictKeyedContainer<Key>(object: object, codingPath: codingPath, path: path, tracker: tracker)
        )
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = value else {
            throw mismatch("array", codingPath)
        }
        return StrictUnkeyedContainer(array: array, codingPath: codingPath, tracker: tracker)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        StrictSingleValueContainer(value: value, codingPath: codingPath, tracker: tracker)
    }

    func mismatch(_ expected: String, _ path: [any CodingKey]) -> FieldError {
        FieldError(field: FieldError.path(path), kind: .typeMismatch(expected: expected, found: value.kindName))
    }
}

/// Decodes one scalar or nested value at `codingPath`; shared by all three container kinds.
private func decodeValue<T: Decodable>(
    _ type: T.Type, from value: JSONValue, at codingPath: [any CodingKey], tracker: KeyTracker
) throws -> T {
    func fail(_ expected: String) -> FieldError {
        FieldError(
            field: FieldError.path(codingPath),
            kind: .typeMismatch(expected: expected, found: value.kindName)
        )
    }
    func integer<I: FixedWidthInteger>(_: I.Type) throws -> I {
        guard let wide = value.intValue else { throw fail("integer") }
        guard let narrow = I(exactly: wide) else {
            throw FieldError(
                field: FieldError.path(codingPath),
                kind: .invalidValue("integer \(wide) is out of range \(I.min)...\(I.max)")
            )
        }
        return narrow
    }
    switch type {
    case is JSONValue.Type:
        return value as! T
    case is String.Type:
        guard case .string(let s) = value else { throw fail("string") }
        return s as! T
    case is Bool.Type:
        guard case .bool(let b) = value else { throw fail("boolean") }
        return b as! T
    case is Int.Type: return try integer(Int.self) as! T
    case is Int64.Type: return try integer(Int64.self) as! T
    case is Int32.Type: return try integer(Int32.self) as! T
    case is Int16.Type: return try integer(Int16.self) as! T
    case is Int8.Type: return try integer(Int8.self) as! T
    case is UInt.Type: return try integer(UInt.self) as! T
    case is UInt64.Type: return try integer(UInt64.self) as! T
    case is UInt32.Type: return try integer(UInt32.self) as! T
    case is UInt16.Type: return try integer(UInt16.self) as! T
    case is UInt8.Type: return try integer(UInt8.self) as! T
    case is Double.Type:
        guard let d = value.doubleValue else { throw fail("number") }
        return d as! T
    case is Float.Type:
        guard let d = value.doubleValue else { throw fail("number") }
        return Float(d) as! T
    default:
        return try T(from: StrictValueDecoder(value: value, codingPath: codingPath, tracker: tracker))
    }
}

private struct StrictKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: JSONValue]
    let codingPath: [any CodingKey]
    let path: String
    let tracker: KeyTracker

    var allKeys: [Key] {
        tracker.askedAll(path: path)
        return object.keys.compactMap { Key(stringValue: $0) }
    }

    func contains(_ key: Key) -> Bool {
        tracker.asked(path: path, key: key.stringValue)
        return object[key.stringValue] != nil
    }

    private func value(for key: Key) throws -> JSONValue {
        tracker.asked(path: path, key: key.stringValue)
        guard let value = object[key.stringValue] else {
            throw FieldError(field: FieldError.path(codingPath + [key]), kind: .missingField)
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        tracker.asked(path: path, key: key.stringValue)
        return object[key.stringValue].map(\.isNull) ?? true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decodeValue(type, from: value(for: key), at: codingPath + [key], tracker: tracker)
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        tracker.asked(path: path, key: key.stringValue)
        guard let value = object[key.stringValue], !value.isNull else { return nil }
        return try decodeValue(type, from: value, at: codingPath + [key], tracker: tracker)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try StrictValueDecoder(value: value(for: key), codingPath: codingPath + [key], tracker: tracker)
            .container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try StrictValueDecoder(value: value(for: key), codingPath: codingPath + [key], tracker: tracker)
            .unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        StrictValueDecoder(value: .object(object), codingPath: codingPath, tracker: tracker)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        StrictValueDecoder(value: try value(for: key), codingPath: codingPath + [key], tracker: tracker)
    }
}

private struct StrictUnkeyedContainer: UnkeyedDecodingContainer {
    let array: [JSONValue]
    let codingPath: [any CodingKey]
    let tracker: KeyTracker
    var currentIndex = 0

    init(array: [JSONValue], codingPath: [any CodingKey], tracker: KeyTracker) {
        self.array = array
        self.codingPath = codingPath
        self.tracker = tracker
    }

    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    private mutating func next() throws -> (JSONValue, [any CodingKey]) {
        guard !isAtEnd else {
            throw FieldError(
                field: FieldError.path(codingPath + [IndexKey(currentIndex)]), kind: .missingField
            )
        }
        defer { currentIndex += 1 }
        return (array[currentIndex], codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, array[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (value, path) = try next()
        return try decodeValue(type, from: value, at: path, tracker: tracker)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let (value, path) = try next()
        return try StrictValueDecoder(value: value, codingPath: path, tracker: tracker).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (value, path) = try next()
        return try StrictValueDecoder(value: value, codingPath: path, tracker: tracker).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (value, path) = try next()
        return StrictValueDecoder(value: value, codingPath: path, tracker: tracker)
    }
}

private struct StrictSingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let tracker: KeyTracker

    func decodeNil() -> Bool { value.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decodeValue(type, from: value, at: codingPath, tracker: tracker)
    }
}
