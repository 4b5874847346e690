package import Foundation

/// The routing fields of an inbound message (`id`, `method`, `sessionId`, whether it carries an `error`),
/// found by one pass over the object's top level that skips every other value without parsing it: a
/// reply's `result` or an event's `params` can be megabytes, and is decoded once, by whoever needs it.
/// Package-visible for the fuzz target (Fuzz/FuzzCDPFrames).
package struct InboundHeader: Equatable {
    package var id: Int?
    package var method: String?
    package var sessionId: String?
    /// The message has a top-level `error` member (decode it with `ErrorEnvelope`).
    package var hasError = false

    /// Scans `message`; nil when it is not a JSON object this scanner understands (escaped keys or
    /// routing strings, a malformed object): the caller then falls back to a full decode.
    package init?(scanning message: Data) {
        let scanned = message.withUnsafeBytes { bytes -> InboundHeader? in
            var scanner = Scanner(bytes: bytes)
            return scanner.header()
        }
        guard let header = scanned else { return nil }
        self = header
    }

    package init(id: Int? = nil, method: String? = nil, sessionId: String? = nil, hasError: Bool = false) {
        self.id = id
        self.method = method
        self.sessionId = sessionId
        self.hasError = hasError
    }
}

/// The one-pass top-level scanner behind `InboundHeader`.
private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":"), minus = UInt8(ascii: "-")

    mutating func header() -> InboundHeader? {
        var header = InboundHeader()
        guard skipSpace(), bytes[index] == Self.openBrace else { return nil }
        index += 1
        guard skipSpace() else { return nil }
        if bytes[index] == Self.closeBrace { return header }
        while true {
            guard let key = simpleString(), skipSpace(), bytes[index] == Self.colon else { return nil }
            index += 1
            guard skipSpace() else { return nil }
            switch key {
            case "id":
                guard let id = integer() else { return nil }
                header.id = id
            case "method":
                guard let method = simpleString() else { return nil }
                header.method = method
            case "sessionId":
                guard let sessionId = simpleString() else { return nil }
                header.sessionId = sessionId
            case "error":
                header.hasError = true
                guard skipValue() else { return nil }
            default:
                guard skipValue() else { return nil }
            }
            guard skipSpace() else { return nil }
            if bytes[index] == Self.closeBrace { return header }
            guard bytes[index] == Self.comma else { return nil }
            index += 1
            guard skipSpace() else { return nil }
        }
    }

    /// Moves past whitespace; false at the end of the input.
    private mutating func skipSpace() -> Bool {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return true
            }
        }
        return false
    }

    /// A string without escapes (keys and routing fields), or nil (escapes are left to the full decoder).
    private mutating func simpleString() -> String? {
        guard index < bytes.count, bytes[index] == Self.quote else { return nil }
        let start = index + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == Self.quote { break }
            if byte == Self.backslash { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        index = end + 1
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    private mutating func integer() -> Int? {
        var negative = false
        if index < bytes.count, bytes[index] == Self.minus {
            negative = true
            index += 1
        }
        var value = 0
        var digits = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]), digits < 18 {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
            digits += 1
        }
        guard digits > 0, index < bytes.count, !(0x30...0x39).contains(bytes[index]) else { return nil }
        return negative ? -value : value
    }

    /// Moves past one JSON value of any kind (strings with escapes, nested objects and arrays).
    private mutating func skipValue() -> Bool {
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case Self.quote:
            return skipString()
        case Self.openBrace, Self.openBracket:
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case Self.quote:
                    guard skipString() else { return false }
                    continue
                case Self.openBrace, Self.openBracket:
                    depth += 1
                case Self.closeBrace, Self.closeBracket:
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                default:
                    break
                }
                index += 1
            }
            return false
        default:
            // A number, true, false or null: up to the next delimiter.
            while index < bytes.count {
                switch bytes[index] {
                case Self.comma, Self.closeBrace, Self.closeBracket, 0x20, 0x09, 0x0A, 0x0D: return true
                default: index += 1
                }
            }
            return false
        }
    }

    /// Moves past a string starting at a quote: `memchr` to each next quote, which ends the string unless
    /// an odd run of backslashes escapes it.
    private mutating func skipString() -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var position = index + 1
        while position < bytes.count {
            guard let found = memchr(base + position, Int32(Self.quote), bytes.count - position) else { return false }
            let quoteIndex = base.distance(to: UnsafeRawPointer(found))
            var backslashes = 0
            var before = quoteIndex - 1
            while before > index, bytes[before] == Self.backslash {
                backslashes += 1
                before -= 1
            }
            if backslashes % 2 == 0 {
                index = quoteIndex + 1
                return true
            }
            position = quoteIndex + 1
        }
        return false
    }
}
