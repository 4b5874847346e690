import RenderTypes

/// Encodes values to JSON text fragments that the response writer splices into a response.
enum JSONFragment {
    /// Compact JSON of any encodable value (top-level scalars included), keys sorted.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try JSONWriter.write(JSONValueEncoder.encode(value))
    }

    /// JSON of a request id; an id is a string, number or null, so this cannot fail.
    static func encodeID(_ id: JSONValue) -> [UInt8] {
        (try? JSONWriter.write(id)) ?? Array("null".utf8)
    }
}
