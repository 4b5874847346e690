import Foundation
import RenderTypes
import Testing

/// `JSONValue(parsing:)`, `JSONValue(encoding:)`, `jsonData()` and `jsonString()` no longer go through
/// Foundation's coders, and give what those gave: the same trees case for case, the same bytes, a
/// failure wherever they failed.
@Suite struct JSONValueTextTests {
    /// JSONEncoder as `jsonData()` used it.
    private func foundationData(_ value: JSONValue) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// What `JSONValue(encoding:)` was: JSONEncoder's text read back by JSONDecoder.
    private func foundationTree(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    private func expectSameTree(
        _ value: some Encodable, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let ours = try JSONValue(encoding: value)
        let foundation = try foundationTree(value)
        #expect(identical(ours, foundation), "ours \(ours), Foundation \(foundation)", sourceLocation: sourceLocation)
    }

    // MARK: jsonData and jsonString

    static let edgeValues: [JSONValue] = [
        .double(-0.0), .double(2), .double(1e15), .double(9_007_199_254_740_994), .double(1e16), .double(1e22),
        .double(.leastNonzeroMagnitude), .double(0.1), .double(1e-7), .double(-1.5), .double(.greatestFiniteMagnitude),
        .int(.min), .int(.max), "", "\u{0}\u{1}\u{7}\u{8}\u{C}\u{1F}\u{7F}\u{2028}\u{2029}/\"\\é😀\u{FFFD}",
        ["B": 1, "a": 2, "é": 3, "e\u{301}x": 4, "ａ": 5, "_": 6, "k10": 7, "k2": 8, "": 9],
        [[], [:], nil, true, false, ["x": [["y": .double(0.5)]]]],
    ]

    @Test(arguments: edgeValues)
    func jsonDataWritesJSONEncodersBytes(_ value: JSONValue) throws {
        #expect(try value.jsonData() == foundationData(value))
        #expect(value.jsonString() == String(decoding: try foundationData(value), as: UTF8.self))
    }

    @Test func jsonDataWritesJSONEncodersBytesForRandomDocuments() throws {
        var generator = SeededGenerator(seed: 0x7E47)
        for _ in 0..<300 {
            let value = JSONParserTests.randomValue(depth: 0, using: &generator)
            #expect(try value.jsonData() == foundationData(value), "\(value)")
        }
    }

    @Test(arguments: [JSONValue.double(.nan), .double(.infinity), ["x": [.double(-.infinity)]]])
    func nonFiniteNumbersHaveNoText(_ value: JSONValue) {
        #expect(throws: (any Error).self) { try foundationData(value) }
        #expect(throws: JSONWriter.Failure.self) { try value.jsonData() }
        #expect(value.jsonString() == "null")
    }

    @Test func nestingStopsWhereJSONEncodersDoes() throws {
        let deepest = try JSONValue(parsing: Data(nestedArrays(511, around: "1").utf8))
        let tooDeep = JSONValue.array([deepest])
        #expect(try deepest.jsonData() == foundationData(deepest))
        #expect(throws: (any Error).self) { try foundationData(tooDeep) }
        #expect(throws: JSONWriter.Failure.nestedTooDeeply(limit: 511)) { try tooDeep.jsonData() }
        #expect(tooDeep.jsonString() == "null")
    }

    // MARK: JSONValue(parsing:)

    @Test(arguments: [
        "2.0", "1e5", "-0", "-0.0", "1E-400", "0.1", "12345678901234567890", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "9007199254740993", "[1.5, -2.0, 3e2, 4E-2, 5]", #"{"a":{"b":[0.0,1.0e1,"x",null,true]}}"#,
        #""\ud83d\ude00\u0000\/""#,
    ])
    func parsingReadsWhatJSONDecoderRead(_ text: String) throws {
        let ours = try JSONValue(parsing: Data(text.utf8))
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(identical(ours, foundation), "ours \(ours), Foundation \(foundation)")
    }

    @Test func parsingReadsRandomDocumentsAsJSONDecoderDid() throws {
        var generator = SeededGenerator(seed: 0x9A25)
        for _ in 0..<300 {
            let data = try JSONEncoder().encode(JSONParserTests.randomValue(depth: 0, using: &generator))
            let ours = try JSONValue(parsing: data)
            let foundation = try JSONDecoder().decode(JSONValue.self, from: data)
            #expect(identical(ours, foundation), "\(String(decoding: data, as: UTF8.self))")
        }
    }

    /// JSONDecoder let these through; the strict parser refuses them (see `JSONDifferentialTests`).
    @Test(arguments: ["[1,]", #"{"a":1,"a":2}"#, "\u{FEFF}[1]"])
    func parsingIsStrict(_ text: String) {
        #expect(throws: Never.self) { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        #expect(throws: JSONParser.Failure.self) { try JSONValue(parsing: Data(text.utf8)) }
    }

    // MARK: JSONValue(encoding:)

    struct Everything: Encodable {
        var int8: Int8 = -8
        var uint64: UInt64 = .max
        var doubles: [Double] = [2, -0.0, 0.5, 1e15, 1e16, 1e-7]
        var float: Float = 0.1
        var wholeFloat: Float = 3
        var decimal = Decimal(string: "3.25")!
        var optional: Int? = nil
        var present: String? = "p"
        var date = Date(timeIntervalSince1970: 1_000.5)
        var data = Data([0, 1, 254, 255])
        var url = URL(string: "https://a.test/b?c=d")!
        var json: JSONValue = ["whole": .double(4), "half": .double(4.5), "list": [.double(-1)]]
        var byNumber: [Int: String] = [1: "one", 2: "two"]
        var choice = Choice.pair(1, "x")
        var nested = [["k": [1, 2]], [:]]
        var empty = Empty()
        var nothing = Nothing()
    }

    enum Choice: Encodable {
        case pair(Int, String)
    }

    struct Empty: Encodable {}

    /// A value whose `encode(to:)` asks for no container: JSONEncoder writes `{}` for it, or refuses it at the top.
    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    @Test func encodingBuildsJSONDecodersTree() throws {
        try expectSameTree(Everything())
        try expectSameTree(2.0)
        try expectSameTree(Float(0.1))
        try expectSameTree(JSONValue.double(7))
        try expectSameTree(Optional<Int>.none)
        try expectSameTree(["a/b", "é"])
    }

    @Test func encodingRandomDocumentsBuildsJSONDecodersTree() throws {
        var generator = SeededGenerator(seed: 0xE7C0)
        for _ in 0..<300 {
            try expectSameTree(JSONParserTests.randomValue(depth: 0, using: &generator))
        }
    }

    @Test func encodingNothingAtTheTopIsRefused() {
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(Nothing()) }
        #expect(throws: EncodingError.self) { try JSONValue(encoding: Nothing()) }
    }

    struct Measured: Encodable {
        var name = "m"
        var values: [Double]
    }

    /// The same refusal as JSONEncoder: an `EncodingError.invalidValue` naming the number's path.
    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func encodingRefusesNonFiniteNumbersWithTheirPath(_ number: Double) throws {
        let value = Measured(values: [1, number])
        let foundation = try #require(throws: EncodingError.self) { try JSONEncoder().encode(value) }
        let ours = try #require(throws: EncodingError.self) { try JSONValue(encoding: value) }
        guard case .invalidValue(_, let foundationContext) = foundation, case .invalidValue(_, let ourContext) = ours else {
            Issue.record("expected invalidValue, got \(ours)")
            return
        }
        #expect(FieldError.path(ourContext.codingPath) == FieldError.path(foundationContext.codingPath))
        #expect(ourContext.debugDescription == foundationContext.debugDescription)
    }

    @Test func encodingRefusesNestingJSONEncoderRefused() throws {
        let deepest = try JSONValue(parsing: Data(nestedArrays(511, around: "1").utf8))
        try expectSameTree(deepest)
        #expect(throws: EncodingError.self) { try JSONEncoder().encode(JSONValue.array([deepest])) }
        #expect(throws: EncodingError.self) { try JSONValue(encoding: JSONValue.array([deepest])) }
    }
}
