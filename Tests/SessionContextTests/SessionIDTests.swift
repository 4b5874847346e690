import Foundation
import RenderTypes
import Testing
@testable import SessionContext

@Suite struct SessionIDTests {
    @Test(arguments: ["a", "user-42", "A.b_c-9", String(repeating: "x", count: 128), "ses_ABCDEF"])
    func acceptsIdsOfAllowedCharacters(text: String) throws {
        let id = try SessionID(validating: text)
        #expect(id.rawValue == text)
    }

    @Test(arguments: ["", String(repeating: "x", count: 129), "a b", "a/b", "é", "a;b", "ses_\u{0}"])
    func rejectsInvalidIdsWithAReason(text: String) {
        #expect {
            try SessionID(validating: text)
        } throws: { error in
            guard case .invalidId(let given, let reason) = error as? SessionError else { return false }
            return given == text && !reason.isEmpty
        }
    }

    @Test func generatedIdIsSesPrefixAnd32LowercaseHexDigits() {
        let text = SessionID.generate().rawValue
        #expect(text.hasPrefix("ses_"))
        #expect(text.count == 36)
        #expect(text.dropFirst(4).allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func generatedIdsAreDistinct() {
        let ids = Set((0..<10_000).map { _ in SessionID.generate() })
        #expect(ids.count == 10_000)
    }

    @Test func generatedIdParsedFromItsTextIsEqualAndHashesEqual() throws {
        let id = SessionID.generate()
        let parsed = try SessionID(validating: id.rawValue)
        #expect(parsed == id)
        #expect(parsed.hashValue == id.hashValue)
        #expect(parsed.rawValue == id.rawValue)
    }

    @Test func generatedShapeWithUppercaseHexKeepsItsExactText() throws {
        let text = "ses_0123456789ABCDEF0123456789abcdef"
        let id = try SessionID(validating: text)
        #expect(id.rawValue == text)
        #expect(id != (try SessionID(validating: text.lowercased())))
    }

    @Test func orderIsByteOrderOfTheText() throws {
        let texts = ["ses_" + String(repeating: "f", count: 32), "ses_" + String(repeating: "0", count: 32),
                     "ses_00000000000000010000000000000000", "ses_zz", "A", "b", "ses_", "ses_0"]
        let ids = try texts.map { try SessionID(validating: $0) }
        let byText = texts.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        #expect(ids.sorted().map(\.rawValue) == byText)
    }

    @Test func codesAsAPlainString() throws {
        let id: SessionID = "user-7"
        let json = try JSONValue(encoding: id)
        #expect(json == "user-7")
        #expect(try StrictJSONDecoder().decode(SessionID.self, from: json) == id)
    }

    @Test func decodingAnInvalidIdNamesTheReason() {
        #expect {
            try StrictJSONDecoder().decode(SessionID.self, from: JSONValue.string("bad id"))
        } throws: { error in
            guard let fieldError = error as? FieldError, case .invalidValue(let reason) = fieldError.kind else { return false }
            return reason.contains("may only contain")
        }
    }
}
