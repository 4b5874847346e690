import Foundation
import NIOCore
import PostgresNIO

/// JSON text bound to a `json` column as it is: postgres-nio's Codable binding writes `jsonb`, which
/// would refuse "\u0000" in a string and reorder keys. The binary form of `json` is its UTF-8 text.
struct JSONColumn: PostgresNonThrowingEncodable {
    let text: Data

    static var psqlType: PostgresDataType { .json }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeBytes(text)
    }
}
