import Foundation
import RenderTypes
import SessionContext
import Testing

/// Result encoding (JSONValueEncoder + JSONWriter) writes what JSONEncoder writes, value for value.
@Suite struct JSONEncodingTests {
    /// Parses both encodings and compares them, numbers by value.
    func expectSameAsFoundation<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let foundation = try JSONParser.parse(Array(encoder.encode(value)))
        let ours = try JSONParser.parse(JSONFragment.encode(value))
        #expect(JSONParserTests.normalized(ours) == JSONParserTests.normalized(foundation), sourceLocation: sourceLocation)
    }

    @Test func wireTypesEncodeAsWithJSONEncoder() throws {
        var session = RpcSessionContext(
            sessionId: "s-1", config: SessionConfig(ttlSeconds: 60, maxRequests: 3), now: Date(timeIntervalSince1970: 1.8e9),
            metadata: ["a": [1, 2.5, "x", nil, ["deep": true]]], profile: "p"
        )
        session.setCookies([Cookie(name: "n", value: "v", domain: "d.test", expires: 1.9e9, secure: true, sameSite: Cookie.SameSite.none)])
        session.recordRequest(url: "https://x.test/a?b=c", renderTimeMs: 12.5, at: Date(timeIntervalSince1970: 1.8e9 + 1))
        try expectSameAsFoundation(SessionInfo(session))
        try expectSameAsFoundation(SessionInfoPage(sessions: [SessionInfo(session)], nextCursor: "s-1"))
        try expectSameAsFoundation(SessionInfoPage(sessions: [], nextCursor: nil))
        try expectSameAsFoundation(session.cookies)
        try expectSameAsFoundation(SessionMetrics(activeSessions: 3, totalRequests: 9, avgSessionAgeSeconds: 1.25, p99RenderMs: 0.001))
        try expectSameAsFoundation(
            ServerHealth(
                status: .healthy, version: "1", uptimeSecs: 5,
                sessions: .init(backend: "sqlite", ok: true, count: 2, error: nil), pool: .null
            )
        )
    }

    struct Scalars: Encodable {
        var int8: Int8 = -8
        var uint64: UInt64 = 18_446_744_073_709_551
        var int32s: [Int32] = [1, -2]
        var float: Float = 0.5
        var double: Double = 1e-7
        var big: Double = 1e22
        var optional: Int? = nil
        var present: String? = "p"
        var date = Date(timeIntervalSince1970: 1_000)
        var data = Data([0, 1, 254, 255])
        var url = URL(string: "https://a.test/b?c=d")!
        var nested = [["k": [1, 2]], [:]]
        var text = "quote\" backslash\\ slash/ newline\n tab\t bell\u{07} é 😀"
    }

    @Test func scalarsAndSpecialTypesEncodeAsWithJSONEncoder() throws {
        try expectSameAsFoundation(Scalars())
    }

    @Test func topLevelScalarsEncode() throws {
        #expect(try JSONFragment.encode(19) == Array("19".utf8))
        #expect(try JSONFragment.encode("a/b") == Array(#""a/b""#.utf8))
        #expect(try JSONFragment.encode(2.0) == Array("2".utf8))
        #expect(try JSONFragment.encode(JSONValue.array(["hello", 5])) == Array(#"["hello",5]"#.utf8))
    }

    @Test func objectKeysAreSorted() throws {
        let bytes = try JSONFragment.encode(["b": 1, "a": 2, "c": 3] as [String: Int])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":2,"b":1,"c":3}"#)
    }

    @Test func controlCharactersAreEscaped() throws {
        let bytes = try JSONFragment.encode("\u{01}\u{1F}\"\\\n")
        #expect(String(decoding: bytes, as: UTF8.self) == #""\u0001\u001f\"\\\n""#)
    }

    @Test func nonFiniteNumbersFail() {
        #expect(throws: (any Error).self) { try JSONFragment.encode(Double.nan) }
        #expect(throws: (any Error).self) { try JSONFragment.encode(["x": Double.infinity]) }
    }

    @Test func randomDocumentsRoundTrip() throws {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<500 {
            let value = JSONParserTests.randomValue(depth: 0, using: &generator)
            try expectSameAsFoundation(value)
            #expect(JSONParserTests.normalized(try JSONParser.parse(JSONWriter.write(value))) == JSONParserTests.normalized(value))
        }
    }
}
