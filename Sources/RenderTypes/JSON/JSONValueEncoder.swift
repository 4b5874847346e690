import Foundation

/// Encodes any `Encodable` into a `JSONValue` tree, which `JSONWriter` then writes: the fast path
/// for method results (JSONEncoder's generic wrapping cost a noticeable share of each call).
/// Special types follow JSONEncoder's defaults: `Date` as seconds since 2001, `Data` as base64,
/// `URL` as its absolute string. Non-finite numbers stay in the tree; `JSONWriter` refuses them.
public enum JSONValueEncoder {
    /// The JSON tree of `value`; throws what the value's own `encode(to:)` throws, and
    /// `EncodingError.invalidValue` (as JSONEncoder does) when it encodes nothing at all.
    public static func encode(_ value: some Encodable) throws -> JSONValue {
        if let json = value as? JSONValue { return json }
        let root = Node()
        try encodeValue(value, into: root, codingPath: [])
        guard !root.isEmpty else {
            throw EncodingError.invalidValue(value, .init(
                codingPath: [], debugDescription: "Top-level \(type(of: value)) did not encode any values."))
        }
        return root.value
    }

    /// Encodes one nested value into `node`, scalars and special types first (every scalar type
    /// must be caught here: the containers' defaults route them back to this function).
    fileprivate static func encodeValue(_ value: some Encodable, into node: Node, codingPath: [any CodingKey]) throws {
        switch value {
        case let json as JSONValue: node.set(json)
        case let string as String: node.set(.string(string))
        case let int as Int: node.set(.int(int))
        case let bool as Bool: node.set(.bool(bool))
        case let double as Double: node.set(.double(double))
        case let integer as any BinaryInteger: node.set(Int(exactly: integer).map(JSONValue.int) ?? .double(Double(integer)))
        // The number JSONEncoder's text of the Float reads back as (`0.1`, not 0.10000000149011612).
        case let float as Float: node.set(.double(Double(float.description) ?? Double(float)))
        case let decimal as Decimal: node.set(.double(Double(decimal.description) ?? .nan))
        case let date as Date: node.set(.double(date.timeIntervalSinceReferenceDate))
        case let data as Data: node.set(.string(data.base64EncodedString()))
        case let url as URL: node.set(.string(url.absoluteString))
        default: try value.encode(to: TreeEncoder(node: node, codingPath: codingPath))
        }
    }
}

/// A slot of the tree being built: nothing yet, a finished value, or an object or array being filled in place.
fileprivate final class Node {
    private enum Kind {
        case empty, value, object, array
    }

    private var kind = Kind.empty
    private var scalar = JSONValue.null
    private var members: [String: Node] = [:]
    private var elements: [Node] = []

    func set(_ value: JSONValue) {
        kind = .value
        scalar = value
    }

    func makeObject() {
        if kind != .object { kind = .object; members = [:] }
    }

    func makeArray() {
        if kind != .array { kind = .array; elements = [] }
    }

    /// The member `key` of this object (created empty when new).
    func member(_ key: String) -> Node {
        makeObject()
        if let node = members[key] { return node }
        let node = Node()
        members[key] = node
        return node
    }

    /// A new last element of this array.
    func appendElement() -> Node {
        makeArray()
        let node = Node()
        elements.append(node)
        return node
    }

    var count: Int { elements.count }

    /// Whether nothing was encoded here: the value's `encode(to:)` asked for no container.
    var isEmpty: Bool { kind == .empty }

    var value: JSONValue {
        switch kind {
        case .empty: .object([:])  // what JSONEncoder writes for a nested value that encoded nothing
        case .value: scalar
        case .object: .object(members.mapValues(\.value))
        case .array: .array(elements.map(\.value))
        }
    }
}

private struct TreeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).set(.null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { node.member(key.stringValue).set(.bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { node.member(key.stringValue).set(.string(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { node.member(key.stringValue).set(.int(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { node.member(key.stringValue).set(.double(value)) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try JSONValueEncoder.encodeValue(value, into: node.member(key.stringValue), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.member(key.stringValue)
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.member(key.stringValue)
        child.makeArray()
        return UnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(node: node.member("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int { node.count }

    mutating func encodeNil() throws { node.appendElement().set(.null) }
    mutating func encode(_ value: Bool) throws { node.appendElement().set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.appendElement().set(.string(value)) }
    mutating func encode(_ value: Int) throws { node.appendElement().set(.int(value)) }
    mutating func encode(_ value: Double) throws { node.appendElement().set(.double(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [IndexKey(count)]
        try JSONValueEncoder.encodeValue(value, into: node.appendElement(), codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(count)]
        let child = node.appendElement()
        child.makeObject()
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        let child = node.appendElement()
        child.makeArray()
        return UnkeyedContainer(node: child, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        TreeEncoder(node: node.appendElement(), codingPath: codingPath + [IndexKey(count)])
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.set(.null) }
    mutating func encode(_ value: Bool) throws { node.set(.bool(value)) }
    mutating func encode(_ value: String) throws { node.set(.string(value)) }
    mutating func encode(_ value: Int) throws { node.set(.int(value)) }
    mutating func encode(_ value: Double) throws { node.set(.double(value)) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try JSONValueEncoder.encodeValue(value, into: node, codingPath: codingPath)
    }
}
