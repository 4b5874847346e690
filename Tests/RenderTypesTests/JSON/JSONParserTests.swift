import Foundation
import RenderTypes
import Testing

/// The request parser: RFC 8259, strict, and in agreement with `JSONDecoder` on valid JSON.
@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test(arguments: [
        ("null", JSONValue.null), ("true", true), ("false", false), ("0", 0), ("-0", 0), ("42", 42), ("-7", -7),
        ("9223372036854775807", .int(Int.max)), ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("1.0", .double(1)), ("1.5e-3", .double(0.0015)), ("2E+2", .double(200)), (#""""#, ""),
        (#""a\"b\\c\/d\b\f\n\r\t""#, "a\"b\\c/d\u{08}\u{0C}\n\r\t"), (#""\u0041\u00e9\ud83d\ude00""#, "Aé😀"),
        (#""ünï😀""#, "ünï😀"), (" [ 1 , [ ] , { } ] ", JSONValue.array([1, .array([]), .object([:])])),
        (#"{"a":{"b":[null]}}"#, JSONValue.object(["a": .object(["b": .array([.null])])])),
    ])
    func validJSONParses(text: String, expected: JSONValue) throws {
        #expect(try parse(text) == expected)
    }

    @Test(arguments: [
        "", " ", "[1,]", #"{"a":1,}"#, "01", "-", "1.", ".5", "+1", "1e", "nul", "NaN", "1e400", "true false",
        "[1 2]", #"{"a" 1}"#, #"{a:1}"#, #""\x""#, #""\ud83d""#, #""\ude00""#, #""\u12""#, "\"a\u{01}b\"", #""open"#,
        #"{"a":1,"a":2}"#, "[", "]", "{", "'a'",
    ])
    func invalidJSONIsRefused(text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
    }

    @Test func nestingIsBoundedAt512() throws {
        let ok = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        #expect(throws: Never.self) { try parse(ok) }
        #expect(throws: JSONParser.Failure.self) { try parse(tooDeep) }
    }

    @Test func failureNamesTheOffset() {
        let failure = #expect(throws: JSONParser.Failure.self) { try parse("[1,,2]") }
        #expect(failure?.offset == 3)
    }

    /// Random documents written by JSONEncoder parse to what Foundation's decoder reads, numbers
    /// compared by value (Foundation reads `2.0` as the integer 2).
    @Test func agreesWithFoundationOnRandomDocuments() throws {
        var generator = SeededGenerator(seed: 0x7D1D_E900_1)
        for _ in 0..<500 {
            let value = Self.randomValue(depth: 0, using: &generator)
            let data = try JSONEncoder().encode(value)
            let ours = try JSONParser.parse(Array(data))
            // JSONDecoder itself: `JSONValue(parsing:)` is now this parser, so no longer Foundation.
            let foundation = try JSONDecoder().decode(JSONValue.self, from: data)
            #expect(Self.normalized(ours) == Self.normalized(foundation), "\(String(decoding: data, as: UTF8.self))")
        }
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let leaf = depth > 3 || Int.random(in: 0..<3, using: &generator) == 0
        switch Int.random(in: 0..<(leaf ? 6 : 8), using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int.random(in: Int.min...Int.max, using: &generator) >> Int.random(in: 0..<63, using: &generator))
        case 3: return .double(Double.random(in: -1e12...1e12, using: &generator))
        case 4, 5:
            let alphabet = Array("aZ09 \"\\/\n\t\u{01}é😀ünï{}[],:")
            return .string(String((0..<Int.random(in: 0..<12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        case 6:
            return .array((0..<Int.random(in: 0..<5, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var object: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0..<5, using: &generator) {
                object["k\(index)\(["", "é", "\"", "😀"].randomElement(using: &generator)!)"] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(object)
        }
    }

    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .int(let i): .double(Double(i))
        case .array(let a): .array(a.map(normalized))
        case .object(let o): .object(o.mapValues(normalized))
        default: value
        }
    }
}

/// A small deterministic random generator (SplitMix64) so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
