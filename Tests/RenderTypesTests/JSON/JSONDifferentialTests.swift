import Foundation
import RenderTypes
import Testing

/// The strict parser, the lenient parser and Foundation's `JSONSerialization` over the shapes of the
/// JSON test suite (github.com/nst/JSONTestSuite): numbers at the edges, escapes, surrogates, nesting
/// around the depth limit, duplicate keys, whitespace, trailing commas, a byte-order mark, invalid
/// UTF-8, empty input and top-level scalars. Whatever strict accepts, Foundation and lenient accept
/// with the same value; every place the three part is a named `Disagreement`.
@Suite struct JSONDifferentialTests {
    /// The deliberate ways the three readers part.
    enum Disagreement: Sendable {
        /// Foundation lets a trailing comma through; RFC 8259 has none, and neither mode accepts one.
        case foundationAcceptsTrailingComma
        /// Foundation skips a UTF-8 byte-order mark, which RFC 8259 lets a parser refuse; both modes do.
        case foundationSkipsByteOrderMark
        /// Foundation reads UTF-16 and UTF-32 text, spotted by its zero bytes; both modes read UTF-8 only.
        case foundationReadsUTF16
        /// Which of two equal keys counts is ambiguous, so strict refuses; lenient and Foundation keep the last.
        case strictRefusesDuplicateKey
        /// Lenient reads any run of number characters Swift reads (`+1`, `01`, `.5`, `1.`), as the CDP
        /// layer always has; strict and Foundation hold to RFC 8259's grammar.
        case lenientReadsSwiftNumber
        /// Lenient reads a surrogate escape without its partner as U+FFFD rather than drop a whole CDP
        /// message; strict and Foundation refuse it.
        case lenientReplacesLoneSurrogate
        /// Lenient reads invalid UTF-8 in a string as U+FFFD rather than drop a whole CDP message;
        /// strict and Foundation refuse it.
        case lenientReplacesInvalidUTF8
        /// JSONSerialization drops a U+FEFF that starts a string or key (it reads the string's bytes
        /// as a text file's); both modes keep it, as JSONDecoder does.
        case foundationDropsLeadingByteOrderMarkInString

        /// Which of strict, lenient and Foundation accept the text.
        var accepted: Verdicts {
            switch self {
            case .foundationAcceptsTrailingComma, .foundationSkipsByteOrderMark, .foundationReadsUTF16:
                Verdicts(strict: false, lenient: false, foundation: true)
            case .strictRefusesDuplicateKey:
                Verdicts(strict: false, lenient: true, foundation: true)
            case .lenientReadsSwiftNumber, .lenientReplacesLoneSurrogate, .lenientReplacesInvalidUTF8:
                Verdicts(strict: false, lenient: true, foundation: false)
            case .foundationDropsLeadingByteOrderMarkInString:
                Verdicts(strict: true, lenient: true, foundation: true)
            }
        }

        /// Whether Foundation, accepting, reads a value other than the modes'.
        var foundationReadsAnotherValue: Bool { self == .foundationDropsLeadingByteOrderMarkInString }
    }

    struct Verdicts: Equatable, CustomStringConvertible {
        var strict: Bool
        var lenient: Bool
        var foundation: Bool

        var description: String {
            "strict \(strict ? "accepts" : "refuses"), lenient \(lenient ? "accepts" : "refuses"), "
                + "Foundation \(foundation ? "accepts" : "refuses")"
        }
    }

    /// What a case expects: all three accept (the value each must read, when given), all refuse, or a
    /// named disagreement (and the value whoever accepts must read, when given).
    enum Expectation: Sendable {
        case accepted(JSONValue?)
        case refused
        case disagreement(Disagreement, JSONValue?)

        var verdicts: Verdicts {
            switch self {
            case .accepted: Verdicts(strict: true, lenient: true, foundation: true)
            case .refused: Verdicts(strict: false, lenient: false, foundation: false)
            case .disagreement(let disagreement, _): disagreement.accepted
            }
        }

        var value: JSONValue? {
            switch self {
            case .accepted(let value), .disagreement(_, let value): value
            case .refused: nil
            }
        }

        var foundationReadsAnotherValue: Bool {
            if case .disagreement(let disagreement, _) = self { disagreement.foundationReadsAnotherValue } else { false }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var expectation: Expectation

        init(_ name: String, _ text: String, _ expectation: Expectation) {
            self.init(name, Array(text.utf8), expectation)
        }

        init(_ name: String, _ bytes: [UInt8], _ expectation: Expectation) {
            self.name = name
            self.bytes = bytes
            self.expectation = expectation
        }

        var testDescription: String { name }
    }

    static let structure: [Case] = [
        Case("empty input", "", .refused),
        Case("whitespace only", " \n", .refused),
        Case("top-level null", "null", .accepted(.null)),
        Case("top-level true", "true", .accepted(true)),
        Case("top-level false", "false", .accepted(false)),
        Case("top-level integer", "42", .accepted(.int(42))),
        Case("top-level string", #""x""#, .accepted("x")),
        Case("empty array and object", #"[[],{}]"#, .accepted([[], [:]])),
        Case("nested document", #"{"a":[1,{"b":null}],"c":"d","":0}"#, .accepted(["a": [1, ["b": nil]], "c": "d", "": 0])),
        Case("text after the value", "[1] x", .refused),
        Case("two values", "1 2", .refused),
        Case("unclosed array", "[1", .refused),
        Case("unclosed object", #"{"a":1"#, .refused),
        Case("missing colon", #"{"a" 1}"#, .refused),
        Case("unquoted key", "{a:1}", .refused),
        Case("non-string key", "{1:1}", .refused),
        Case("single quotes", "['a']", .refused),
        Case("comment", "[1]//c", .refused),
        Case("truncated literal", "tru", .refused),
        Case("capitalised literal", "True", .refused),
        Case("trailing comma in an array", "[1,]", .disagreement(.foundationAcceptsTrailingComma, [1])),
        Case("trailing comma in an object", #"{"a":1,}"#, .disagreement(.foundationAcceptsTrailingComma, ["a": 1])),
        Case("double comma", "[1,,2]", .refused),
        Case("leading comma", "[,1]", .refused),
        Case("lone comma", "[,]", .refused),
    ]

    static let numbers: [Case] = [
        Case("minus zero", "-0", .accepted(.int(0))),
        Case("minus zero point zero", "-0.0", .accepted(.double(-0.0))),
        Case("1e308", "1e308", .accepted(.double(1e308))),
        Case("1e309 overflows", "1e309", .refused),
        Case("-1e309 overflows", "[-1e309]", .refused),
        Case("1E-400 underflows to zero", "1E-400", .accepted(.double(0))),
        Case("largest Int", "9223372036854775807", .accepted(.int(.max))),
        Case("smallest Int", "-9223372036854775808", .accepted(.int(.min))),
        Case("integer beyond UInt64", "123456789012345678901234567890", .accepted(.double(Double("123456789012345678901234567890")!))),
        Case("integer beyond Int64", "12345678901234567890", .accepted(.double(Double("12345678901234567890")!))),
        Case("integer below Int64", "-9223372036854775809", .accepted(.double(Double("-9223372036854775809")!))),
        Case("2^53 + 1 stays exact", "9007199254740993", .accepted(.int(9_007_199_254_740_993))),
        Case("0.1", "0.1", .accepted(.double(0.1))),
        Case("long fraction", "0.1000000000000000055511151231257827021181583404541015625", .accepted(.double(0.1))),
        Case("exponents", "[1.5e-3,2E+2,1e5]", .accepted([.double(0.0015), .double(200), .double(100_000)])),
        Case("400 digits overflow", "1" + String(repeating: "0", count: 400), .refused),
        Case("leading zero", "01", .disagreement(.lenientReadsSwiftNumber, .int(1))),
        Case("negative leading zero", "-01", .disagreement(.lenientReadsSwiftNumber, .int(-1))),
        Case("plus sign", "+1", .disagreement(.lenientReadsSwiftNumber, .int(1))),
        Case("leading dot", ".5", .disagreement(.lenientReadsSwiftNumber, .double(0.5))),
        Case("trailing dot", "[1.]", .disagreement(.lenientReadsSwiftNumber, [.double(1)])),
        Case("dot before exponent", "1.e5", .disagreement(.lenientReadsSwiftNumber, .double(100_000))),
        Case("minus alone", "[-]", .refused),
        Case("exponent without digits", "1e", .refused),
        Case("signed exponent without digits", "1e+", .refused),
        Case("two minus signs", "--1", .refused),
        Case("two dots", "1.5.3", .refused),
        Case("NaN", "NaN", .refused),
        Case("Infinity", "[-Infinity]", .refused),
        Case("hexadecimal", "0x10", .refused),
    ]

    static let strings: [Case] = [
        Case("escaped NUL", #""\u0000""#, .accepted("\u{0}")),
        Case("escaped slash", #""\/""#, .accepted("/")),
        Case("every short escape", #""\"\\\/\b\f\n\r\t""#, .accepted("\"\\/\u{08}\u{0C}\n\r\t")),
        Case("hex escapes in either case", #""\u00e9\u00E9""#, .accepted("éé")),
        Case("surrogate pair", #""\ud83d\ude00""#, .accepted("😀")),
        Case("raw UTF-8", #""ünï😀""#, .accepted("ünï😀")),
        Case("raw DEL", "\"a\u{7F}b\"", .accepted("a\u{7F}b")),
        Case("raw byte-order mark inside a string", "\"a\u{FEFF}b\"", .accepted("a\u{FEFF}b")),
        Case("escaped byte-order mark leading a string", #""\ufeffa""#, .accepted("\u{FEFF}a")),
        Case(
            "raw byte-order mark leading a string", "[\"\u{FEFF}\",\"\u{FEFF}a\"]",
            .disagreement(.foundationDropsLeadingByteOrderMarkInString, ["\u{FEFF}", "\u{FEFF}a"])
        ),
        Case(
            "raw byte-order mark leading a key", "{\"\u{FEFF}k\":1}",
            .disagreement(.foundationDropsLeadingByteOrderMarkInString, ["\u{FEFF}k": 1])
        ),
        Case("escaped key equal to a plain one", #"{"a":1,"\u0061":2}"#, .disagreement(.strictRefusesDuplicateKey, ["a": 2])),
        Case("lone high surrogate", #""\ud83d""#, .disagreement(.lenientReplacesLoneSurrogate, "\u{FFFD}")),
        Case("lone low surrogate", #""\ude00""#, .disagreement(.lenientReplacesLoneSurrogate, "\u{FFFD}")),
        Case("high surrogate before a letter", #""\ud83dx""#, .disagreement(.lenientReplacesLoneSurrogate, "\u{FFFD}x")),
        Case("two high surrogates", #""\ud83d\ud83d""#, .disagreement(.lenientReplacesLoneSurrogate, "\u{FFFD}\u{FFFD}")),
        Case("high surrogate before an escaped letter", #""\ud83d\u0041""#, .disagreement(.lenientReplacesLoneSurrogate, "\u{FFFD}A")),
        Case("surrogates in reverse", #""\ude00\ud83d""#, .disagreement(.lenientReplacesLoneSurrogate, "\u{FFFD}\u{FFFD}")),
        Case("unknown escape", #""\x""#, .refused),
        Case("capital U escape", #""\U00e9""#, .refused),
        Case("short hex escape", #""\u12""#, .refused),
        Case("bad hex digit", #""\u12g4""#, .refused),
        Case("raw control character", "\"a\u{01}b\"", .refused),
        Case("raw tab", "\"a\tb\"", .refused),
        Case("raw newline", "\"a\nb\"", .refused),
        Case("raw NUL", "\"a\u{0}b\"", .refused),
        Case("unterminated string", #""abc"#, .refused),
        Case("invalid byte", [0x22, 0xFF, 0x22], .disagreement(.lenientReplacesInvalidUTF8, "\u{FFFD}")),
        Case("truncated sequence", [0x22, 0x61, 0xC3, 0x22], .disagreement(.lenientReplacesInvalidUTF8, "a\u{FFFD}")),
        Case("overlong encoding", [0x22, 0xC0, 0xAF, 0x22], .disagreement(.lenientReplacesInvalidUTF8, nil)),
        Case("encoded surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], .disagreement(.lenientReplacesInvalidUTF8, nil)),
        Case("invalid UTF-8 after an escape", [0x22, 0x5C, 0x6E, 0xC3, 0x22], .disagreement(.lenientReplacesInvalidUTF8, "\n\u{FFFD}")),
        Case("invalid byte outside a string", [0x5B, 0xFF, 0x5D], .refused),
    ]

    static let nesting: [Case] = [
        Case("512 arrays around a number", nestedArrays(512, around: "1"), .accepted(nil)),
        Case("512 empty arrays", nestedArrays(512), .accepted(nil)),
        Case("513 arrays", nestedArrays(513), .refused),
        Case("10 000 arrays", nestedArrays(10_000), .refused),
        Case("512 objects", String(repeating: #"{"a":"#, count: 512) + "1" + String(repeating: "}", count: 512), .accepted(nil)),
        Case("513 objects", String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513), .refused),
        Case("duplicate key", #"{"a":1,"a":2}"#, .disagreement(.strictRefusesDuplicateKey, ["a": 2])),
        Case("duplicate key deep down", #"[{"a":1,"a":{"b":2}}]"#, .disagreement(.strictRefusesDuplicateKey, [["a": ["b": 2]]])),
        Case("canonically equal keys", "{\"e\u{301}\":1,\"\u{E9}\":2}", .disagreement(.strictRefusesDuplicateKey, ["\u{E9}": 2])),
    ]

    static let encodings: [Case] = [
        Case("JSON whitespace everywhere", " \t\n\r[ \t\n\r1 \t\n\r, \t\n\r{ \"a\" : 2 } ] \r\n", .accepted([1, ["a": 2]])),
        Case("vertical tab", "\u{0B}[1]", .refused),
        Case("form feed", "[1]\u{0C}", .refused),
        Case("no-break space", "\u{A0}[1]", .refused),
        Case("line separator", "[\u{2028}1]", .refused),
        Case("byte-order mark", [0xEF, 0xBB, 0xBF] + Array("[1]".utf8), .disagreement(.foundationSkipsByteOrderMark, [1])),
        Case("UTF-16 with a byte-order mark", [0xFF, 0xFE, 0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00], .disagreement(.foundationReadsUTF16, [1])),
        Case("UTF-16 without a byte-order mark", [0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00], .disagreement(.foundationReadsUTF16, [1])),
    ]

    @Test(arguments: structure + numbers + strings + nesting + encodings)
    func readersAgreeWhereTheRulesSay(_ testCase: Case) {
        let bytes = testCase.bytes
        let strict = try? JSONParser.parse(bytes)
        let lenient = try? JSONParser.parse(bytes, strictness: .lenient)
        let foundationObject = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        let foundation = foundationObject.flatMap(jsonValue(fromFoundation:))
        let verdicts = Verdicts(strict: strict != nil, lenient: lenient != nil, foundation: foundationObject != nil)
        #expect(verdicts == testCase.expectation.verdicts)
        if let foundationObject { #expect(foundation != nil, "Foundation read \(foundationObject)") }

        // Whatever strict accepts, lenient reads the same tree and Foundation the same value.
        let foundationDiffers = testCase.expectation.foundationReadsAnotherValue
        if let strict {
            #expect(lenient.map { identical($0, strict) } == true, "lenient read \(String(describing: lenient))")
            #expect((foundation == strict) != foundationDiffers, "Foundation read \(String(describing: foundation))")
        }
        // Where lenient and Foundation both accept (duplicate keys included), they read the same value.
        if let lenient, let foundation {
            #expect((foundation == lenient) != foundationDiffers)
        }
        if let expected = testCase.expectation.value {
            let readers = [("strict", strict), ("lenient", lenient), ("Foundation", foundationDiffers ? nil : foundation)]
            for (reader, value) in readers {
                if let value { #expect(value == expected, "\(reader) read \(value)") }
            }
        }
    }
}

/// A `JSONValue` of what `JSONSerialization` returns, nil for anything that is not a JSON value.
private func jsonValue(fromFoundation object: Any) -> JSONValue? {
    switch object {
    case is NSNull:
        return .null
    case let string as String:
        return .string(string)
    case let number as NSNumber:
        switch String(cString: number.objCType) {
        case "c": return .bool(number.boolValue)  // JSON has no chars: a char NSNumber is a boolean
        case "i", "s", "l", "q": return .int(number.intValue)
        default: return .double(number.doubleValue)  // doubles, unsigned 64-bit and decimal numbers
        }
    case let array as [Any]:
        var elements: [JSONValue] = []
        for element in array {
            guard let value = jsonValue(fromFoundation: element) else { return nil }
            elements.append(value)
        }
        return .array(elements)
    case let dictionary as [String: Any]:
        var members: [String: JSONValue] = [:]
        for (key, member) in dictionary {
            guard let value = jsonValue(fromFoundation: member) else { return nil }
            members[key] = value
        }
        return .object(members)
    default:
        return nil
    }
}
