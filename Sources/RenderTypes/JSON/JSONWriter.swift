/// Writes a `JSONValue` as compact JSON bytes: the bytes `JSONEncoder` writes with `.sortedKeys` and
/// `.withoutEscapingSlashes`. Object keys sorted by their UTF-8 bytes (stable output), slashes not
/// escaped, non-ASCII as raw UTF-8, a double as its shortest round-trip text with a trailing `.0` dropped.
public enum JSONWriter {
    /// Why a value has no JSON text.
    public enum Failure: Error, Hashable, CustomStringConvertible {
        /// NaN and the infinities have no JSON form.
        case nonFiniteNumber(Double)
        /// Arrays and objects nested deeper than the writer was allowed to go.
        case nestedTooDeeply(limit: Int)

        public var description: String {
            switch self {
            case .nonFiniteNumber(let value): "\(value) cannot be written as JSON"
            case .nestedTooDeeply(let limit): "arrays and objects nested deeper than \(limit) are not written"
            }
        }
    }

    /// The JSON text of `value`; at most `maxDepth` nested arrays and objects.
    public static func write(_ value: JSONValue, maxDepth: Int = .max) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try write(value, into: &out, maxDepth: maxDepth)
        return out
    }

    /// Appends the JSON text of `value` to `out`; at most `maxDepth` nested arrays and objects.
    public static func write(_ value: JSONValue, into out: inout [UInt8], maxDepth: Int = .max) throws(Failure) {
        try write(value, into: &out, depth: 0, maxDepth: maxDepth)
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8], depth: Int, maxDepth: Int) throws(Failure) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d): try writeNumber(d, into: &out)
        case .string(let s): writeString(s, into: &out)
        case .array(let elements):
            guard depth < maxDepth else { throw .nestedTooDeeply(limit: maxDepth) }
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try write(element, into: &out, depth: depth + 1, maxDepth: maxDepth)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            guard depth < maxDepth else { throw .nestedTooDeeply(limit: maxDepth) }
            out.append(UInt8(ascii: "{"))
            // By UTF-8 bytes, as JSONEncoder sorts: String's `<` orders by canonical equivalence, which
            // differs for text not in NFC.
            for (index, key) in members.keys.sorted(by: utf8Precedes).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                try write(members[key]!, into: &out, depth: depth + 1, maxDepth: maxDepth)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A finite double as JSONEncoder writes it: `2.0` as `2`, `-0.0` as `-0`, `1e+22` as is.
    static func writeNumber(_ number: Double, into out: inout [UInt8]) throws(Failure) {
        guard number.isFinite else { throw .nonFiniteNumber(number) }
        // Whole numbers below 2^53 print as their integer (what dropping `.0` gives, without
        // formatting a double); -0 keeps its sign.
        if number.rounded() == number, abs(number) < 9_007_199_254_740_992, !(number == 0 && number.sign == .minus) {
            out.append(contentsOf: String(Int(number)).utf8)
            return
        }
        let text = number.description
        out.append(contentsOf: text.hasSuffix(".0") ? text.utf8.dropLast(2) : text.utf8[...])
    }

    /// Whether `a`'s UTF-8 bytes sort before `b`'s, compared as two contiguous buffers.
    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { a in b.withUTF8 { b in a.lexicographicallyPrecedes(b) } }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
