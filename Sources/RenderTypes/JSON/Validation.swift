/// Small helpers that keep custom `init(from:)` validation to one line per rule; a failed rule
/// becomes a `FieldError.invalidValue` naming the field's full path.
extension KeyedDecodingContainer {
    /// Throws `invalidValue(reason)` at `key` unless `condition` holds.
    public func require(_ condition: Bool, _ key: Key, _ reason: @autoclosure () -> String) throws {
        if !condition {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: reason())
        }
    }

    /// Decodes an optional integer and checks it lies in `range`.
    public func decodeIfPresent(_ type: Int.Type, forKey key: Key, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = try decodeIfPresent(Int.self, forKey: key) else { return nil }
        try require(range.contains(value), key, "must be between \(range.lowerBound) and \(range.upperBound)")
        return value
    }

    /// Decodes a required integer and checks it lies in `range`.
    public func decode(_ type: Int.Type, forKey key: Key, in range: ClosedRange<Int>) throws -> Int {
        let value = try decode(Int.self, forKey: key)
        try require(range.contains(value), key, "must be between \(range.lowerBound) and \(range.upperBound)")
        return value
    }

    /// Decodes an optional string and checks its length lies in `lengths` (in characters).
    public func decodeIfPresent(_ type: String.Type, forKey key: Key, length lengths: ClosedRange<Int>) throws -> String? {
        guard let value = try decodeIfPresent(String.self, forKey: key) else { return nil }
        try require(lengths.contains(value.count), key,
                    "must be \(lengths.lowerBound) to \(lengths.upperBound) characters long")
        return value
    }

    /// Decodes a required string and checks its length lies in `lengths` (in characters).
    public func decode(_ type: String.Type, forKey key: Key, length lengths: ClosedRange<Int>) throws -> String {
        let value = try decode(String.self, forKey: key)
        try require(lengths.contains(value.count), key,
                    "must be \(lengths.lowerBound) to \(lengths.upperBound) characters long")
        return value
    }

    /// Decodes an optional number and checks it lies in `range`.
    public func decodeIfPresent(
        _ type: Double.Type, forKey key: Key, in range: ClosedRange<Double>
    ) throws -> Double? {
        guard let value = try decodeIfPresent(Double.self, forKey: key) else { return nil }
        try require(range.contains(value), key, "must be between \(range.lowerBound) and \(range.upperBound)")
        return value
    }
}
