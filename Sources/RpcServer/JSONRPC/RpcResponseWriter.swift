import Foundation
import RenderTypes

/// Writes response objects as bytes, splicing pre-encoded results so a result is encoded once.
enum RpcResponseWriter {
    private static let head = Array(#"{"jsonrpc":"2.0","#.utf8)

    /// `{"jsonrpc":"2.0","result":…,"id":…}`
    static func result(_ result: [UInt8], id: JSONValue) -> [UInt8] {
        compose(member: #""result":"#, value: result, id: id)
    }

    /// `{"jsonrpc":"2.0","error":{…},"id":…}`
    static func error(_ error: RpcErrorObject, id: JSONValue) -> [UInt8] {
        // An error object of strings, numbers and JSON values always encodes.
        let encoded = (try? JSONFragment.encode(error)) ?? Array(#"{"code":-32603,"message":"Internal error"}"#.utf8)
        return compose(member: #""error":"#, value: encoded, id: id)
    }

    /// `[response, response, …]`, or nil when there is no response (notifications only).
    static func batch(_ responses: [[UInt8]]) -> [UInt8]? {
        guard !responses.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(responses.reduce(2) { $0 + $1.count + 1 })
        out.append(UInt8(ascii: "["))
        for (index, response) in responses.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: response)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    private static func compose(member: String, value: [UInt8], id: JSONValue) -> [UInt8] {
        // An id is a string, number or null, so writing it cannot fail.
        let idBytes = (try? JSONWriter.write(id)) ?? Array("null".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(head.count + member.utf8.count + value.count + idBytes.count + 8)
        out.append(contentsOf: head)
        out.append(contentsOf: member.utf8)
        out.append(contentsOf: value)
        out.append(contentsOf: #","id":"#.utf8)
        out.append(contentsOf: idBytes)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
