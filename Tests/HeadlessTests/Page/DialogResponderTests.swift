@testable import Headless
import RenderTypes
import Testing

/// The answer each dialog policy gives each kind of dialog.
@Suite struct DialogAnswerTests {
    @Test func dismissCancelsEverythingButBeforeunload() {
        #expect(DialogResponder.answer(.alert, defaultPrompt: nil, policy: .dismiss) == (false, nil))
        #expect(DialogResponder.answer(.confirm, defaultPrompt: nil, policy: .dismiss) == (false, nil))
        #expect(DialogResponder.answer(.prompt, defaultPrompt: "Grace", policy: .dismiss) == (false, nil))
        #expect(DialogResponder.answer(.beforeunload, defaultPrompt: nil, policy: .dismiss) == (true, nil))
    }

    @Test func acceptGivesAPromptItsDefaultAndPromptTextItsText() {
        #expect(DialogResponder.answer(.confirm, defaultPrompt: nil, policy: .accept) == (true, nil))
        #expect(DialogResponder.answer(.prompt, defaultPrompt: "Grace", policy: .accept) == (true, "Grace"))
        #expect(DialogResponder.answer(.prompt, defaultPrompt: nil, policy: .accept) == (true, ""))
        #expect(DialogResponder.answer(.prompt, defaultPrompt: "Grace", policy: .promptText("Ada")) == (true, "Ada"))
        #expect(DialogResponder.answer(.alert, defaultPrompt: nil, policy: .promptText("Ada")) == (true, nil))
    }
}
