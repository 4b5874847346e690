import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    @Suite("Render: scroll and actions", .serialized)
    struct RenderActionTests {
        @Test func scrollToBottomLoadsEveryBatch() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/scroll.html?total=40&batch=10", ##"{"scroll": {"to_bottom": true, "max_steps": 30, "delay_ms": 150}}"##).result
                #expect(result.html?.contains(">Item 40<") == true)
                #expect(result.html?.contains("id=\"end\"") == true)
            }
        }

        @Test func scrollStepsStopWhenStopConditionHolds() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"scroll": {"steps": 30, "step_px": 600, "delay_ms": 150, "stop_condition": "window.batchesLoaded >= 2"}, "actions": [{"type": "evaluate", "expression": "window.batchesLoaded"}]}"##
                let result = try await c.render("/scroll.html?total=200&batch=10", json).result
                let batches = try #require(result.actionsExecuted.first?.result?.intValue)
                #expect(batches >= 2 && batches < 5)
            }
        }

        @Test func scrollToBottomStopsWhenStopConditionHolds() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"scroll": {"to_bottom": true, "max_steps": 30, "delay_ms": 150, "stop_condition": "window.batchesLoaded >= 2"}, "actions": [{"type": "evaluate", "expression": "window.batchesLoaded"}]}"##
                let result = try await c.render("/scroll.html?total=200&batch=10", json).result
                let batches = try #require(result.actionsExecuted.first?.result?.intValue)
                #expect(batches >= 2 && batches < 5)  // without the condition: all 20 batches
            }
        }

        @Test func afterScrollJsRunsOnceAfterScrolling() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"scroll": {"steps": 2, "delay_ms": 0, "after_scroll_js": "document.body.dataset.after = String(window.scrollY > 0)"}}"##
                let result = try await c.render("/scroll.html", json).result
                #expect(result.html?.contains("data-after=\"true\"") == true)
            }
        }

        @Test func actionsRunInOrderWithRealInputAndResults() async throws {
            try await RenderHarness.with { c in
                let json = ##"""
                {"actions": [
                  {"type": "type", "selector": "#name", "text": "Zoë", "clear_first": true},
                  {"type": "select", "selector": "#color", "value": "green"},
                  {"type": "hover", "selector": "#hover-target"},
                  {"type": "click", "selector": "#counter"},
                  {"type": "press", "key": "Escape"},
                  {"type": "evaluate", "expression": "({clicks: document.getElementById('clicks').textContent, trusted: window.trusted.click, name: document.getElementById('name-echo').textContent, color: document.getElementById('color-echo').textContent, hover: document.getElementById('hover-state').textContent, key: document.getElementById('last-key').textContent})"}
                ]}
                """##
                let result = try await c.render("/actions.html", json).result
                #expect(result.actionsExecuted.map(\.type) == ["type", "select", "hover", "click", "press", "evaluate"])
                #expect(result.actionsExecuted.allSatisfy { $0.ok })
                #expect(result.actionsExecuted.map(\.index) == Array(0..<6))
                let expected: JSONValue = [
                    "clicks": "1", "trusted": true, "name": "Zoë", "color": "green", "hover": "hovered", "key": "Escape",
                ]
                #expect(result.actionsExecuted.last?.result == expected)
            }
        }

        @Test func failingOptionalActionIsRecordedAndTheRenderGoesOn() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "click", "selector": "#missing", "optional": true}, {"type": "click", "selector": "#counter"}]}"##
                let result = try await c.render("/actions.html", json).result
                #expect(result.actionsExecuted.count == 2)
                #expect(result.actionsExecuted[0].ok == false)
                #expect(result.actionsExecuted[0].error == "no element matches #missing")
                #expect(result.actionsExecuted[1].ok)
                #expect(result.warnings.contains { $0.contains("optional action 0 (click) failed") })
                #expect(result.html?.contains("<p id=\"clicks\">1</p>") == true)
            }
        }

        @Test func failingActionEndsTheRenderWithItsIndexAndReason() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "click", "selector": "#counter"}, {"type": "evaluate", "expression": "null.boom"}]}"##
                let error = try await RenderHarness.renderError { try await c.render("/actions.html", json) }
                guard case .actionFailed(let index, let reason) = error else { throw error }
                #expect(index == 1)
                #expect(reason.contains("TypeError"))
            }
        }

        @Test func waitAfterMsPausesAfterTheAction() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "click", "selector": "#counter", "wait_after_ms": 300}]}"##
                let result = try await c.render("/actions.html", json).result
                #expect((result.actionsExecuted.first?.ms ?? 0) >= 300)
            }
        }

        @Test func waitActionWaitsForItsCondition() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "wait", "condition": {"type": "selector", "selector": "#late-button"}}, {"type": "click", "selector": "#late-button"}]}"##
                let result = try await c.render("/actions.html", json).result
                #expect(result.html?.contains("Late button clicked") == true)
                #expect(result.waitConditionsMet.contains("selector(#late-button)"))
            }
        }

        @Test func waitActionThatNeverHoldsFailsTheAction() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "wait", "condition": {"type": "selector", "selector": "#never", "timeout_ms": 300}}]}"##
                let error = try await RenderHarness.renderError { try await c.render("/actions.html", json) }
                guard case .actionFailed(let index, let reason) = error else { throw error }
                #expect(index == 0)
                #expect(reason.contains("selector(#never)"))
            }
        }

        @Test func deadlineDuringActionsIsTimeoutInStageAction() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"timeout_ms": 1500, "actions": [{"type": "evaluate", "expression": "new Promise(r => setTimeout(r, 10000))"}]}"##
                let error = try await RenderHarness.renderError { try await c.render("/actions.html", json) }
                guard case .timeout(let stage, _) = error else { throw error }
                #expect(stage == .action)
            }
        }

        @Test func navigateActionLoadsAnotherPageAndWaits() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "navigate", "url": "\##(c.url("/delayed.html?ms=200"))", "wait_for": {"type": "selector", "selector": "#late"}}]}"##
                let result = try await c.render("/static.html", json).result
                #expect(result.finalUrl == c.url("/delayed.html?ms=200"))
                #expect(result.html?.contains("Late content arrived") == true)
                #expect(result.actionsExecuted.first?.result?["status"] == 200)
            }
        }

        @Test func navigateActionToForbiddenURLIsRefused() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "navigate", "url": "chrome://version"}]}"##
                let error = try await RenderHarness.renderError { try await c.render("/static.html", json) }
                guard case .urlNotAllowed(let url, _) = error else { throw error }
                #expect(url == "chrome://version")
            }
        }

        @Test func setCookiesActionPutsCookiesIntoTheContext() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "set_cookies", "cookies": [{"name": "flavour", "value": "mint", "domain": "127.0.0.1"}]}, {"type": "navigate", "url": "\##(c.url("/cookies"))"}]}"##
                let result = try await c.render("/static.html", json).result
                #expect(result.actionsExecuted.first?.result == 1)
                #expect(result.html?.contains(#"{"flavour":"mint"}"#) == true)
            }
        }

        @Test func screenshotAndScrollActionsReturnTheirResults() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"actions": [{"type": "scroll", "steps": 2, "delay_ms": 0}, {"type": "screenshot", "full_page": false}]}"##
                let result = try await c.render("/scroll.html", json).result
                #expect(result.actionsExecuted[0].result?["steps"] == 2)
                let png = try #require(result.actionsExecuted[1].result?.stringValue.flatMap { Data(base64Encoded: $0) })
                #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
            }
        }
    }
}
