import Foundation
@testable import Headless
import Testing

/// The routing scan of inbound messages: it must agree with a full decode on every shape Chromium sends,
/// and give up (so the full decode runs) on anything it does not understand.
@Suite struct InboundHeaderTests {
    private func scan(_ text: String) -> InboundHeader? {
        InboundHeader(scanning: Data(text.utf8))
    }

    private func decoded(_ text: String) throws -> InboundHeader {
        try JSONDecoder().decode(DecodedHeader.self, from: Data(text.utf8)).header
    }

    @Test func replyYieldsItsIdAndSessionWhateverTheResultHolds() throws {
        let text = #"{"id":42,"result":{"result":{"type":"string","value":"a \"quoted\" {brace} [x] \\ end"}},"sessionId":"S1"}"#
        #expect(scan(text) == InboundHeader(id: 42, sessionId: "S1"))
        #expect(try scan(text) == decoded(text))
    }

    @Test func eventYieldsItsMethodAndSessionWithoutAnId() throws {
        let text = #"{"method":"Page.lifecycleEvent","params":{"frameId":"F","loaderId":"L","name":"load","timestamp":1.5},"sessionId":"AB"}"#
        #expect(scan(text) == InboundHeader(method: "Page.lifecycleEvent", sessionId: "AB"))
        #expect(try scan(text) == decoded(text))
    }

    @Test func errorReplyIsMarkedAsError() throws {
        let text = #"{"id":7,"error":{"code":-32602,"message":"Invalid \"params\""}}"#
        #expect(scan(text) == InboundHeader(id: 7, hasError: true))
        #expect(try scan(text) == decoded(text))
    }

    @Test func keysInAnyOrderWithWhitespaceAndNestedArraysAreSkipped() throws {
        let text = " {\n \"sessionId\" : \"S\" ,\t\"result\" : [1, {\"id\": 99}, [\"]\"], null, true, -2.5e3] , \"id\" : 3 }"
        #expect(scan(text) == InboundHeader(id: 3, sessionId: "S"))
        #expect(try scan(text) == decoded(text))
    }

    @Test func stringEndingInAnEscapedBackslashEndsAtItsQuote() throws {
        let text = #"{"result":{"value":"C:\\dir\\"},"id":5}"#
        #expect(scan(text) == InboundHeader(id: 5))
        #expect(try scan(text) == decoded(text))
    }

    @Test func largeResultIsSkipped() throws {
        let html = String(repeating: "<p class=\\\"x\\\">text</p>", count: 50_000)
        let text = #"{"id":1,"result":{"result":{"type":"string","value":""# + html + #""}}}"#
        #expect(scan(text) == InboundHeader(id: 1))
    }

    @Test func escapedRoutingStringIsLeftToTheFullDecoder() {
        #expect(scan(#"{"method":"Page.\u006Coad","params":{}}"#) == nil)
    }

    @Test func malformedMessagesAreNotScanned() {
        for text in ["", "[]", #"{"id":}"#, #"{"id":1"#, #"{"id":1,"result":{"a":"b"}"#, #"{"id":"x"}"#, #"{"result":"unterminated}"#] {
            #expect(scan(text) == nil, "\(text)")
        }
    }

    @Test func emptyObjectHasNoRoutingFields() {
        #expect(scan("{}") == InboundHeader())
    }
}
