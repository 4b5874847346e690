public import Foundation

/// JSON text to and from `JSONValue` through `JSONParser`, `JSONValueEncoder` and `JSONWriter`, giving
/// what Foundation's coders gave when these went through them: the same trees, the same bytes, a
/// failure wherever they failed. JSONDecoder read every whole number that fits `Int` as `.int`
/// (`2.0`, `1e2`), and JSONEncoder wrote `2.0` as `2`; so the trees made here hold whole numbers as `.int`.
extension JSONValue {
    /// Arrays and objects JSONEncoder nests at most (it refuses a 512th level).
    static let encoderMaxDepth = JSONParser.maxDepth - 1

    /// Parses JSON text strictly (`JSONParser`), whole numbers that fit `Int` as `.int` however they
    /// are written. Throws `JSONParser.Failure` for anything that is not JSON, trailing commas,
    /// duplicate keys and a byte-order mark included (JSONDecoder let those through).
    public init(parsing data: Data) throws {
        self = try JSONParser.parse(data).wholeNumbersAsInts(maxDepth: JSONParser.maxDepth)
    }

    /// Converts any `Encodable` value to its JSON tree. Throws what the value's `encode(to:)` throws,
    /// and `EncodingError.invalidValue` where JSONEncoder did: for a NaN or infinite number, and for
    /// arrays and objects nested 512 deep.
    public init(encoding value: some Encodable) throws {
        do {
            self = try JSONValueEncoder.encode(value).wholeNumbersAsInts(maxDepth: Self.encoderMaxDepth)
        } catch let refusal as Unwritable {
            throw refusal.encodingError(topLevel: value)
        }
    }

    /// Compact JSON text of this value, keys sorted so output is stable (JSONEncoder's bytes with
    /// `.sortedKeys` and `.withoutEscapingSlashes`). Throws `JSONWriter.Failure` where JSONEncoder
    /// threw: for a NaN or infinite number, and for arrays and objects nested 512 deep.
    public func jsonData() throws -> Data {
        Data(try JSONWriter.write(self, maxDepth: Self.encoderMaxDepth))
    }

    /// Compact JSON text as a `String` ("null" when the value has none).
    public func jsonString() -> String {
        (try? JSONWriter.write(self, maxDepth: Self.encoderMaxDepth)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// This tree with every whole number that fits `Int` as `.int`, refusing a non-finite number and
    /// arrays and objects nested deeper than `maxDepth`. From 2^53 up a `.double` keeps its exact value,
    /// where JSONDecoder re-read JSONEncoder's shortest digits as a Decimal (2^60 came back as
    /// 1152921504606847000).
    private func wholeNumbersAsInts(maxDepth: Int, depth: Int = 0) throws(Unwritable) -> JSONValue {
        switch self {
        case .double(let number):
            guard number.isFinite else { throw Unwritable(reason: .nonFiniteNumber(number)) }
            return Int(exactly: number).map(JSONValue.int) ?? self
        case .array(let elements):
            guard depth < maxDepth else { throw Unwritable(reason: .nestedTooDeeply(limit: maxDepth)) }
            var converted: [JSONValue] = []
            converted.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                do throws(Unwritable) {
                    converted.append(try element.wholeNumbersAsInts(maxDepth: maxDepth, depth: depth + 1))
                } catch {
                    throw error.inside(PathKey(index: index))
                }
            }
            return .array(converted)
        case .object(let members):
            guard depth < maxDepth else { throw Unwritable(reason: .nestedTooDeeply(limit: maxDepth)) }
            var converted: [String: JSONValue] = Dictionary(minimumCapacity: members.count)
            for (key, member) in members {
                do throws(Unwritable) {
                    converted[key] = try member.wholeNumbersAsInts(maxDepth: maxDepth, depth: depth + 1)
                } catch {
                    throw error.inside(PathKey(key: key))
                }
            }
            return .object(converted)
        case .null, .bool, .int, .string:
            return self
        }
    }
}

/// A tree JSONEncoder would not have written, and where in it; the path grows as the error unwinds.
private struct Unwritable: Error {
    var reason: JSONWriter.Failure
    var reversedPath: [PathKey] = []

    func inside(_ key: PathKey) -> Unwritable {
        var outer = self
        outer.reversedPath.append(key)
        return outer
    }

    /// The error JSONEncoder threw for the same refusal.
    func encodingError(topLevel: some Encodable) -> EncodingError {
        switch reason {
        case .nonFiniteNumber(let number):
            .invalidValue(number, .init(
                codingPath: reversedPath.reversed(), debugDescription: "Unable to encode Double.\(number) directly in JSON."))
        case .nestedTooDeeply:
            .invalidValue(topLevel, .init(
                codingPath: [], debugDescription: "Unable to encode the given top-level value to JSON.", underlyingError: reason))
        }
    }
}

/// A member name or array index on the path to a refused number (indices spelled as JSONEncoder's).
private struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(key: String) {
        stringValue = key
    }

    init(index: Int) {
        stringValue = "Index \(index)"
        intValue = index
    }

    init?(stringValue: String) { self.init(key: stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}
