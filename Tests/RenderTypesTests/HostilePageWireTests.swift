import Foundation
import Testing
@testable import RenderTypes

/// The wire of `config.dialogs`, `capture.downloads` and the result's `dialogs`, `popups`, `downloads`.
@Suite struct HostilePageWireTests {
    private func config(_ json: String) throws(FieldError) -> DynamicConfig {
        try StrictJSONDecoder().decode(DynamicConfig.self, from: Data(json.utf8))
    }

    @Test func dialogPolicyHasThreeShapes() throws {
        #expect(try config(#"{}"#).effectiveDialogs == .dismiss)
        #expect(try config(#"{"dialogs":"dismiss"}"#).dialogs == .dismiss)
        #expect(try config(#"{"dialogs":"accept"}"#).dialogs == .accept)
        #expect(try config(#"{"dialogs":{"prompt_text":"Ada"}}"#).dialogs == .promptText("Ada"))
        #expect(try config(#"{"dialogs":{"prompt_text":""}}"#).dialogs == .promptText(""))
        for policy in [DialogPolicy.dismiss, .accept, .promptText("Ada")] {
            let config = DynamicConfig(dialogs: policy)
            #expect(try StrictJSONDecoder().decode(DynamicConfig.self, from: JSONValue(encoding: config)) == config)
        }
    }

    @Test func anyOtherDialogPolicyIsRejectedNamingTheField() throws {
        let reason = #"must be "dismiss", "accept" or {"prompt_text": "…"}"#
        #expect(throws: FieldError(field: "dialogs", kind: .invalidValue(reason))) { try config(#"{"dialogs":"ignore"}"#) }
        #expect(throws: FieldError(field: "dialogs", kind: .invalidValue(reason))) { try config(#"{"dialogs":true}"#) }
        #expect(throws: FieldError(field: "dialogs.prompt_text", kind: .missingField)) { try config(#"{"dialogs":{}}"#) }
        #expect(throws: FieldError(field: "dialogs.answer", kind: .unknownField)) {
            try config(#"{"dialogs":{"prompt_text":"a","answer":"yes"}}"#)
        }
    }

    @Test func downloadCaptureIsBoundedByTheServersCap() throws {
        #expect(try config(#"{"capture":{"downloads":{}}}"#).capture?.downloads == DownloadCapture())
        #expect(try config(#"{"capture":{"downloads":{"max_bytes":1000}}}"#).capture?.downloads?.maxBytes == 1000)
        #expect(try config(#"{"capture":{}}"#).capture?.downloads == nil)
        let cap = RenderLimits.maxDownloadBytes
        #expect(throws: FieldError(field: "capture.downloads.max_bytes", kind: .invalidValue("must be between 1 and \(cap)"))) {
            try config(#"{"capture":{"downloads":{"max_bytes":\#(cap + 1)}}}"#)
        }
        #expect(throws: FieldError(field: "capture.downloads.max_byte", kind: .unknownField)) {
            try config(#"{"capture":{"downloads":{"max_byte":10}}}"#)
        }
    }

    @Test func resultListsDialogsPopupsAndDownloadsInSnakeCase() throws {
        let result = DynamicRenderResult(
            finalUrl: "http://a/",
            dialogs: [DialogEntry(type: .prompt, message: "Name?", url: "http://a/", handled: .accepted, promptText: "Ada")],
            popups: ["http://a/pop"],
            downloads: [DownloadEntry(url: "http://a/f", suggestedFilename: "f.bin", state: .tooLarge, bytes: 9)]
        )
        let json = try JSONValue(encoding: result)
        #expect(json["dialogs"] == [["type": "prompt", "message": "Name?", "url": "http://a/", "handled": "accepted", "prompt_text": "Ada"]])
        #expect(json["popups"] == ["http://a/pop"])
        #expect(json["downloads"] == [["url": "http://a/f", "suggested_filename": "f.bin", "state": "too_large", "bytes": 9]])
        #expect(try JSONDecoder().decode(DynamicRenderResult.self, from: JSONEncoder().encode(result)) == result)
    }

    @Test func aResultWithoutTheListsStillDecodes() throws {
        // A server from before the lists existed leaves them out.
        var object = try #require(try JSONValue(encoding: DynamicRenderResult(finalUrl: "http://a/")).objectValue)
        for key in ["dialogs", "popups", "downloads"] { object[key] = nil }
        let decoded = try JSONDecoder().decode(DynamicRenderResult.self, from: JSONValue.object(object).jsonData())
        #expect(decoded.dialogs.isEmpty && decoded.popups.isEmpty && decoded.downloads.isEmpty)
    }

    @Test func aLongDialogMessageIsCut() {
        let entry = DialogEntry(type: .alert, message: String(repeating: "x", count: 10_000), url: "", handled: .dismissed)
        #expect(entry.message.count == DialogEntry.maxMessageLength + 1)
        #expect(entry.message.hasSuffix("…"))
    }
}
