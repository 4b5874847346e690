/// Encodes values to JSON text fragments: compact, keys sorted, top-level scalars included (a
/// fragment, in Foundation's words), for splicing into a larger document such as a JSON-RPC response.
public enum JSONFragment {
    /// Compact JSON of any encodable value, keys sorted; throws what the value's `encode(to:)` throws,
    /// or `JSONWriter.Failure` for a non-finite number.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        try JSONWriter.write(JSONValueEncoder.encode(value))
    }
}
