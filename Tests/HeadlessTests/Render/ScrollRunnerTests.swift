import Foundation
@testable import Headless
import RenderTypes
import Testing

/// The page calls a scroll makes, against a fake page (what each step does on a real page is covered
/// by the Chromium scroll tests): every `Runtime.evaluate` is answered with the same scroll metrics.
@Suite struct ScrollRunnerTests {
    static let viewport = 800
    static let height = 4000

    @Test func stepsOfTheViewportHeightReadTheViewportOnceThenEvaluateOncePerStep() async throws {
        let (outcome, evaluated) = try await Self.scroll(#"{"steps": 3, "delay_ms": 0}"#)
        #expect(evaluated == ["metrics", "by 800", "by 800", "by 800", "metrics"])
        #expect(outcome.steps == 3 && outcome.height == Self.height)
    }

    @Test func stepsOfAGivenSizeEvaluateOncePerStep() async throws {
        let (outcome, evaluated) = try await Self.scroll(#"{"steps": 3, "step_px": 250, "delay_ms": 0}"#)
        #expect(evaluated == ["by 250", "by 250", "by 250", "metrics"])
        #expect(outcome.steps == 3 && outcome.height == Self.height)
    }

    @Test func toBottomStopsAfterTwoStepsWithoutNewHeight() async throws {
        let (outcome, evaluated) = try await Self.scroll(#"{"to_bottom": true, "max_steps": 10, "delay_ms": 0}"#)
        #expect(evaluated == ["metrics", "bottom", "metrics", "bottom", "metrics", "metrics"])
        #expect(outcome.steps == 2 && outcome.height == Self.height)
    }

    @Test func toBottomWithAStopConditionChecksItAndMeasuresInOneEvaluationPerStep() async throws {
        let (outcome, evaluated) = try await Self.scroll(
            #"{"to_bottom": true, "max_steps": 10, "delay_ms": 0, "stop_condition": "window.done === true"}"#)
        #expect(evaluated == ["metrics", "bottom", "check + metrics", "bottom", "check + metrics", "metrics"])
        #expect(outcome.steps == 2 && outcome.height == Self.height && !outcome.stoppedByCondition)
    }

    /// Scrolls as the wire JSON `json` says on a fake page; returns the outcome and every expression
    /// evaluated, in order, by name (`metrics`, `bottom`, `by <px>`).
    static func scroll(_ json: String) async throws -> (ScrollRunner.Outcome, [String]) {
        let config = try StrictJSONDecoder().decode(ScrollConfig.self, from: Data(json.utf8))
        let evaluated = Recorder<String>()
        let metrics: JSONValue = ["y": 0, "height": .int(height), "viewport": .int(viewport)]
        let outcome = try await FakePage.with { message in
            guard let id = message["id"]?.intValue else { return [] }
            if message["method"] == "Runtime.evaluate" { evaluated.append(message["params"]?["expression"]?.stringValue ?? "") }
            return [(id, ["result": ["type": "object", "value": metrics]])]
        } _: { page in
            try await page.scroll(config, deadline: RenderDeadline(.now + .seconds(30)))
        }
        return (outcome, evaluated.all.map(name))
    }

    static func name(_ expression: String) -> String {
        if expression == PageScripts.scrollMetrics { return "metrics" }
        if expression == PageScripts.scrollToBottom { return "bottom" }
        if expression == PageScripts.predicateCheckAndMetrics("window.done === true") { return "check + metrics" }
        if let px = (1...10_000).first(where: { PageScripts.scrollBy($0) == expression }) { return "by \(px)" }
        return expression
    }
}
