public import Foundation

/// Parses JSON text into a `JSONValue` in one pass over the bytes, strictly or leniently.
///
/// `JSONDecoder` builds a `JSONValue` by trying each type in turn, and every miss throws (a
/// `DecodingError` with its coding path): parsing request bodies that way cost about an eighth of the
/// server's CPU per call (BENCHMARKS.md, "HTTP"), and a page snapshot several hundred throws. This
/// single pass costs a fraction of either.
///
/// Both modes allow at most `maxDepth` nested arrays and objects and refuse a number out of `Double`'s
/// range; integers written without fraction or exponent that fit `Int` become `.int`, every other
/// number `.double`. `Strictness` says where the two modes part.
public enum JSONParser {
    /// How much of what is not RFC 8259 JSON the parser lets through.
    public enum Strictness: Sendable, Hashable {
        /// RFC 8259 and stricter, for requests and params: no trailing commas, no duplicate object keys
        /// (which of two would count is ambiguous), strings of valid UTF-8 with paired surrogate escapes.
        case strict
        /// For Chromium's CDP output, read as the CDP layer always has: the last of duplicate keys wins,
        /// any run of number characters Swift reads as a number is one (`+1`, `01`, `.5`, `1.`), and a
        /// lone surrogate escape or invalid UTF-8 in a string becomes U+FFFD instead of failing the
        /// whole message.
        case lenient
    }

    /// Why the text is not JSON, and the byte offset where that was seen.
    public struct Failure: Error, Hashable, CustomStringConvertible {
        public var offset: Int
        public var reason: String

        /// A failure `reason` seen at byte `offset`.
        public init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }

        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    /// Deepest nesting of arrays and objects accepted (JSONDecoder's limit too).
    public static let maxDepth = 512

    /// Parses `bytes` as one JSON value surrounded by optional whitespace.
    public static func parse(_ bytes: [UInt8], strictness: Strictness = .strict) throws(Failure) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(Failure) in
            try parse(UnsafeRawBufferPointer(buffer), strictness: strictness)
        }
    }

    /// Parses `data` as one JSON value surrounded by optional whitespace.
    public static func parse(_ data: Data, strictness: Strictness = .strict) throws(Failure) -> JSONValue {
        // `Data.withUnsafeBytes` rethrows untyped errors: the failure travels out in a Result.
        let result = data.withUnsafeBytes { buffer in
            Result { () throws(Failure) in try parse(buffer, strictness: strictness) }
        }
        return try result.get()
    }

    private static func parse(_ buffer: UnsafeRawBufferPointer, strictness: Strictness) throws(Failure) -> JSONValue {
        var cursor = Cursor(bytes: buffer, lenient: strictness == .lenient)
        cursor.skipWhitespace()
        let value = try cursor.parseValue(depth: 0)
        cursor.skipWhitespace()
        guard cursor.index == buffer.count else { throw cursor.failure("unexpected text after the value") }
        return value
    }
}

/// The parser's position in the text; `lenient` is `Strictness.lenient`.
private struct Cursor {
    let bytes: UnsafeRawBufferPointer
    let lenient: Bool
    var index = 0

    init(bytes: UnsafeRawBufferPointer, lenient: Bool) {
        self.bytes = bytes
        self.lenient = lenient
    }

    func failure(_ reason: String) -> JSONParser.Failure {
        JSONParser.Failure(offset: index, reason: reason)
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    mutating func parseValue(depth: Int) throws(JSONParser.Failure) -> JSONValue {
        guard let byte = current else { throw failure("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "+"), UInt8(ascii: "."):
            guard lenient else { throw failure("unexpected character") }
            return try parseNumber()
        default: throw failure("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParser.Failure) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - index >= count,
            UnsafeBufferPointer(start: literal.utf8Start, count: count).elementsEqual(bytes[index..<index + count])
        else { throw failure("invalid literal") }
        index += count
    }

    /// Moves past the bracket opening an array or object `depth` deep; whether `closing` follows at once.
    private mutating func enterContainer(depth: Int, closing: UInt8) throws(JSONParser.Failure) -> Bool {
        guard depth <= JSONParser.maxDepth else { throw failure("nested deeper than \(JSONParser.maxDepth)") }
        index += 1
        skipWhitespace()
        guard current == closing else { return false }
        index += 1
        return true
    }

    private mutating func parseObject(depth: Int) throws(JSONParser.Failure) -> JSONValue {
        if try enterContainer(depth: depth, closing: UInt8(ascii: "}")) { return .object([:]) }
        var object: [String: JSONValue] = [:]
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            if object.updateValue(value, forKey: key) != nil, !lenient {
                throw JSONParser.Failure(offset: keyOffset, reason: "duplicate key \"\(key)\"")
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(object)
            default: throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParser.Failure) -> JSONValue {
        if try enterContainer(depth: depth, closing: UInt8(ascii: "]")) { return .array([]) }
        var array: [JSONValue] = []
        while true {
            skipWhitespace()
            array.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(array)
            default: throw failure("expected ',' or ']'")
            }
        }
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(JSONParser.Failure) -> JSONValue {
        let start = index
        let isInteger = lenient ? skipNumberCharacters() : try skipNumberGrammar()
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if isInteger, let integer = Int(text) { return .int(integer) }
        guard let double = Double(text) else { throw JSONParser.Failure(offset: start, reason: "invalid number \(text)") }
        guard double.isFinite else { throw JSONParser.Failure(offset: start, reason: "number \(text) is out of range") }
        return .double(double)
    }

    /// Moves past an RFC 8259 number; whether it has neither fraction nor exponent.
    private mutating func skipNumberGrammar() throws(JSONParser.Failure) -> Bool {
        var isInteger = true
        if current == UInt8(ascii: "-") { index += 1 }
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw failure("expected a digit")
        }
        if first == UInt8(ascii: "0") {
            index += 1
            if let next = current, next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                throw failure("leading zero")
            }
        } else {
            skipDigits()
        }
        if current == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard skipDigits() > 0 else { throw failure("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            guard skipDigits() > 0 else { throw failure("expected a digit in the exponent") }
        }
        return isInteger
    }

    /// Moves past a run of digits, signs, dots and exponent marks (Swift's `Int` and `Double` judge
    /// it); whether it has neither a dot nor an exponent mark.
    private mutating func skipNumberCharacters() -> Bool {
        var isInteger = true
        while let byte = current {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"): break
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): isInteger = false
            default: return isInteger
            }
            index += 1
        }
        return isInteger
    }

    @discardableResult
    private mutating func skipDigits() -> Int {
        let start = index
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
        return index - start
    }

    // MARK: Strings

    private mutating func parseString() throws(JSONParser.Failure) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes, so the bytes are the string.
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw failure("control character in a string") }
            index += 1
        }
        guard let stop = current else { throw failure("unterminated string") }
        if stop == UInt8(ascii: "\"") {
            index += 1
            return try decodedString(UnsafeRawBufferPointer(rebasing: bytes[start..<index - 1]), at: start)
        }
        var scratch = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return try decodedString(scratch, at: start)
            case UInt8(ascii: "\\"):
                index += 1
                try appendEscape(to: &scratch)
            case 0..<0x20:
                throw failure("control character in a string")
            default:
                scratch.append(byte)
                index += 1
            }
        }
    }

    private mutating func appendEscape(to scratch: inout [UInt8]) throws(JSONParser.Failure) {
        guard let byte = current else { throw failure("unterminated escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(byte)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            guard let unicode = Unicode.Scalar(try escapedScalar()) else { throw failure("invalid code point") }
            UTF8.encode(unicode) { scratch.append($0) }
        default:
            throw failure("invalid escape")
        }
    }

    /// The code point of a `\u` escape whose `\u` was just read, joining a surrogate pair.
    private mutating func escapedScalar() throws(JSONParser.Failure) -> UInt32 {
        let scalar = UInt32(try hexQuad())
        if (0xDC00...0xDFFF).contains(scalar) { return try unpairedSurrogate() }
        guard (0xD800...0xDBFF).contains(scalar) else { return scalar }
        guard current == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
            return try unpairedSurrogate()
        }
        let afterHigh = index
        index += 2
        let low = UInt32(try hexQuad())
        guard (0xDC00...0xDFFF).contains(low) else {
            let replacement = try unpairedSurrogate()
            index = afterHigh  // the escape after a lone high surrogate is a character of its own
            return replacement
        }
        return 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
    }

    /// Strict refuses a surrogate escape without its partner; lenient reads it as U+FFFD.
    private func unpairedSurrogate() throws(JSONParser.Failure) -> UInt32 {
        guard lenient else { throw failure("unpaired surrogate") }
        return 0xFFFD
    }

    private mutating func hexQuad() throws(JSONParser.Failure) -> UInt16 {
        guard bytes.count - index >= 4 else { throw failure("short \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: throw failure("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(nibble)
            index += 1
        }
        return value
    }

    /// Strict refuses invalid UTF-8; lenient keeps the rest of Chromium's text, each bad sequence as U+FFFD.
    private func decodedString(_ utf8: some Collection<UInt8>, at offset: Int) throws(JSONParser.Failure) -> String {
        if lenient { return String(decoding: utf8, as: UTF8.self) }
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw JSONParser.Failure(offset: offset, reason: "invalid UTF-8 in a string")
        }
        return string
    }
}
