import Foundation
import RenderTypes

/// Encodes values to JSON text fragments that the response writer splices into a response.
enum JSONFragment {
    /// Compact JSON of any encodable value (top-level scalars included).
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if let json = value as? JSONValue, let fast = fastPath(json) { return fast }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// JSON of a request id; an id is a string, number or null, so this cannot fail.
    static func encodeID(_ id: JSONValue) -> [UInt8] {
        (try? encode(id)) ?? Array("null".utf8)
    }

    /// The common scalar shapes without a JSONEncoder round trip.
    private static func fastPath(_ value: JSONValue) -> [UInt8]? {
        switch value {
        case .null: return Array("null".utf8)
        case .int(let i): return Array(String(i).utf8)
        case .bool(let b): return Array((b ? "true" : "false").utf8)
        case .string(let s):
            // Plain printable ASCII needs no escaping.
            let plain = s.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
            return plain ? Array("\"\(s)\"".utf8) : nil
        default: return nil
        }
    }
}
