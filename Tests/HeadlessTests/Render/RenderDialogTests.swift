import Foundation
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    /// Every JavaScript dialog is answered at once by `config.dialogs` and reported; none blocks the
    /// wait, an action or the capture (the hostile fixture pages under /hostile/).
    @Suite("Render: dialogs", .serialized)
    struct RenderDialogTests {
        /// What the dialogs page shows its last dialog returned (`#result`), as JSON.
        static func shown(_ result: DynamicRenderResult) throws -> JSONValue {
            let html = try #require(result.html)
            let start = try #require(html.range(of: "<pre id=\"result\">"))
            let end = try #require(html.range(of: "</pre>", range: start.upperBound..<html.endIndex))
            let text = String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
            return try JSONValue(parsing: Data(text.utf8))
        }

        @Test func alertOnLoadIsDismissedAndThePageRenders() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/hostile/dialogs.html?open=alert").result
                #expect(result.html?.contains("id=\"done\"") == true)
                #expect(result.dialogs == [
                    DialogEntry(
                        type: .alert, message: "Hello from alert", url: c.url("/hostile/dialogs.html?open=alert"),
                        handled: .dismissed),
                ])
            }
        }

        @Test func confirmOnLoadIsDismissedByDefault() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/hostile/dialogs.html?open=confirm").result
                #expect(try Self.shown(result) == ["kind": "confirm", "value": false])
                #expect(result.dialogs.map(\.type) == [.confirm])
                #expect(result.dialogs.first?.message == "Proceed?")
                #expect(result.dialogs.first?.handled == .dismissed)
            }
        }

        @Test func promptOnLoadIsDismissedByDefault() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/hostile/dialogs.html?open=prompt").result
                #expect(try Self.shown(result) == ["kind": "prompt", "value": nil])
                #expect(result.dialogs.first?.handled == .dismissed)
                #expect(result.dialogs.first?.promptText == nil)
            }
        }

        @Test func acceptConfirmsAndGivesPromptsTheirDefault() async throws {
            try await RenderHarness.with { c in
                let confirmed = try await c.render("/hostile/dialogs.html?open=confirm", #"{"dialogs": "accept"}"#).result
                #expect(try Self.shown(confirmed) == ["kind": "confirm", "value": true])
                #expect(confirmed.dialogs.first?.handled == .accepted)
                let prompted = try await c.render("/hostile/dialogs.html?open=prompt", #"{"dialogs": "accept"}"#).result
                #expect(try Self.shown(prompted) == ["kind": "prompt", "value": "Grace"])
                #expect(prompted.dialogs.first?.handled == .accepted)
                #expect(prompted.dialogs.first?.promptText == "Grace")
            }
        }

        @Test func promptTextAnswersPromptsWithIt() async throws {
            try await RenderHarness.with { c in
                let json = #"{"dialogs": {"prompt_text": "Ada Lovelace"}}"#
                let result = try await c.render("/hostile/dialogs.html?open=prompt", json).result
                #expect(try Self.shown(result) == ["kind": "prompt", "value": "Ada Lovelace"])
                #expect(result.dialogs == [
                    DialogEntry(
                        type: .prompt, message: "Your name?", url: c.url("/hostile/dialogs.html?open=prompt"),
                        handled: .accepted, promptText: "Ada Lovelace"),
                ])
            }
        }

        @Test func dialogsOpenedByClicksAreAnsweredAndTheClicksFinish() async throws {
            try await RenderHarness.with { c in
                let json = #"""
                    {"dialogs": {"prompt_text": "Ada"}, "actions": [
                      {"type": "click", "selector": "#alert"}, {"type": "click", "selector": "#confirm"},
                      {"type": "click", "selector": "#prompt"}]}
                    """#
                let result = try await c.render("/hostile/dialogs.html", json).result
                #expect(result.actionsExecuted.map(\.ok) == [true, true, true])
                #expect(result.dialogs.map(\.type) == [.alert, .confirm, .prompt])
                #expect(result.dialogs.allSatisfy { $0.handled == .accepted })
                #expect(try Self.shown(result) == ["kind": "prompt", "value": "Ada"])
            }
        }

        @Test func dialogsOpenedByEvaluateAndPressAreAnswered() async throws {
            try await RenderHarness.with { c in
                let json = #"""
                    {"dialogs": "accept", "actions": [
                      {"type": "evaluate", "expression": "confirm('From evaluate?')"}, {"type": "press", "key": "Enter"}]}
                    """#
                let result = try await c.render("/hostile/dialogs.html", json).result
                #expect(result.actionsExecuted.map(\.ok) == [true, true])
                #expect(result.actionsExecuted.first?.result == true)
                #expect(result.dialogs.map(\.message) == ["From evaluate?", "Enter pressed?"])
                #expect(try Self.shown(result) == ["kind": "keydown", "value": true])
            }
        }

        @Test func beforeunloadLetsANavigateActionLeaveThePage() async throws {
            try await RenderHarness.with { c in
                // Chromium asks beforeunload only of a page the user interacted with: the click first.
                let json = """
                    {"actions": [{"type": "click", "selector": "#touch"},
                      {"type": "navigate", "url": "\(c.url("/static.html"))"}]}
                    """
                let result = try await c.render("/hostile/beforeunload.html", json).result
                #expect(result.actionsExecuted.map(\.ok) == [true, true])
                #expect(result.finalUrl == c.url("/static.html"))
                #expect(result.dialogs == [
                    DialogEntry(type: .beforeunload, message: "", url: c.url("/hostile/beforeunload.html"), handled: .accepted),
                ])
            }
        }

        @Test func aDialogLoopIsListedUpToTheBoundAndCounted() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/hostile/dialog-loop.html?n=150").result
                #expect(result.html?.contains("150 alerts") == true)
                #expect(result.dialogs.count == RenderLimits.maxReportedDialogs)
                #expect(result.dialogs.last?.message == "alert \(RenderLimits.maxReportedDialogs - 1)")
                #expect(result.warnings.contains("dialogs: \(150 - RenderLimits.maxReportedDialogs) more answered, not listed"))
            }
        }

        @Test func dialogsOnATimerDoNotBlockWaitsActionsOrCapture() async throws {
            try await RenderHarness.with { c in
                let json = #"""
                    {"wait_for": {"type": "selector", "selector": "#done"}, "capture": {"screenshot": true},
                     "actions": [{"type": "wait", "condition": {"type": "delay", "ms": 300}},
                       {"type": "evaluate", "expression": "document.title"}]}
                    """#
                let result = try await c.render("/hostile/dialog-loop.html?n=0&every=20", json).result
                #expect(result.actionsExecuted.last?.result == "Dialog loop")
                #expect(result.artifacts.screenshot != nil)
                #expect(result.dialogs.count > 3)
                #expect(result.dialogs.allSatisfy { $0.message == "tick" && $0.handled == .dismissed })
            }
        }
    }
}
