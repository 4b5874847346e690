import Foundation
import RenderTypes
import Testing

/// The lenient parser (how the CDP layer reads Chromium's output) must read every document as
/// `JSONDecoder` does, and refuse what is not JSON.
@Suite struct LenientJSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Data(text.utf8), strictness: .lenient)
    }

    /// The top-level member `key` of the object in `data`, as the CDP layer reads a reply's `result`.
    private func member(_ key: String, of data: Data) throws -> JSONValue? {
        try JSONParser.parse(data, strictness: .lenient)[key]
    }

    private func decoded(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-2.5,"g":1e3,"h":[]}"#,
        #" [ 1 , "two" , { } , [ [ ] ] ] "#,
        #""plain""#,
        #"{"html":"<p class=\"x\">a\\b\/c\n\t\r\b\f</p>"}"#,
        #"{"unicode":"é \u00e9 \u4e2d 😀 \ud83d\ude00"}"#,
        #"{"big":12345678901234567890,"neg":-42,"zero":0,"frac":0.1,"exp":-1.5E-3}"#,
        "123",
        "null",
    ])
    func agreesWithJSONDecoder(_ text: String) throws {
        #expect(try parse(text) == decoded(text))
    }

    @Test func integersStayIntegersAndFractionsAreDoubles() throws {
        #expect(try parse(#"[7, 7.0, 7e0]"#) == .array([.int(7), .double(7), .double(7)]))
        if case .array(let items) = try parse("[7, 7.5]"), case .int = items[0], case .double = items[1] {} else {
            Issue.record("number kinds not kept")
        }
    }

    @Test func loneSurrogateEscapeBecomesReplacementCharacter() throws {
        #expect(try parse(#""a\ud800b""#) == .string("a\u{FFFD}b"))
    }

    @Test func memberReadsOneTopLevelKey() throws {
        #expect(try member("result", of: Data(#"{"id":1,"result":{"x":[1]}}"#.utf8)) == ["x": [1]])
        #expect(try member("missing", of: Data(#"{"id":1}"#.utf8)) == nil)
    }

    @Test(arguments: ["", "{", "[1,]", #"{"a" 1}"#, #"{"a":1,}"#, "tru", "01x", #""unterminated"#, "\"tab\there\"", "1 2", #""\x""#])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test func deepNestingIsRefusedInsteadOfOverflowingTheStack() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }
}
