import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    @Suite("Page: input", .serialized)
    struct PageInputTests {
        @Test func clickDispatchesTrustedMouseEvents() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                try await c.page.click("#counter")
                try await c.page.click("#counter")
                #expect(try await c.page.evaluate("document.getElementById('clicks').textContent") == "2")
                #expect(try await c.page.evaluate("window.trusted.click") == true)
            }
        }

        @Test func clickScrollsFarElementIntoView() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                try await c.page.click("#far")
                #expect(try await c.page.evaluate("document.getElementById('far-clicked').textContent") == "yes")
            }
        }

        @Test func clickWaitsForLateElement() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                try await c.page.click("#late-button", timeout: .seconds(5))
                #expect(try await c.page.evaluate("document.getElementById('late-button').textContent") == "Late button clicked")
            }
        }

        @Test func clickOnMissingElementIsElementNotFound() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                await #expect(throws: PageError.elementNotFound(selector: "#missing")) {
                    try await c.page.click("#missing", timeout: .milliseconds(300))
                }
                await #expect(throws: PageError.elementNotVisible(selector: "#hidden")) {
                    try await c.page.click("#hidden", timeout: .milliseconds(300))
                }
            }
        }

        @Test func typeSendsTrustedKeyEvents() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                try await c.page.type("#name", text: "Hi, Ünï 1!", clearFirst: true)
                #expect(try await c.page.evaluate("document.getElementById('name').value") == "Hi, Ünï 1!")
                #expect(try await c.page.evaluate("document.getElementById('name-echo').textContent") == "Hi, Ünï 1!")
                #expect(try await c.page.evaluate("window.trusted.keys.length > 0 && window.trusted.keys.every(Boolean)") == true)
            }
        }

        @Test func typeWithoutClearAppends() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                try await c.page.type("#name", text: "+more")
                #expect(try await c.page.evaluate("document.getElementById('name').value") == "prefilled+more")
            }
        }

        @Test func pressEnterSubmitsFocusedForm() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                try await c.page.type("#name", text: "bob", clearFirst: true)
                try await c.page.press("Enter")
                #expect(try await c.page.evaluate("document.getElementById('submitted').textContent") == "yes:bob")
                try await c.page.press("Control+a")
                #expect(try await c.page.evaluate("document.getElementById('last-key').textContent") == "a")
            }
        }

        @Test func pressUnknownKeyIsInvalidArgument() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                await #expect(throws: PageError.self) { try await c.page.press("Hyper") }
            }
        }

        @Test func selectChoosesOptionAndFiresChange() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                try await c.page.select("#color", value: "blue")
                #expect(try await c.page.evaluate("document.getElementById('color-echo').textContent") == "blue")
                await #expect(throws: PageError.invalidArgument("#color has no option with value \"purple\"")) {
                    try await c.page.select("#color", value: "purple")
                }
            }
        }

        @Test func hoverMovesRealMouseOverElement() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/actions.html")
                try await c.page.hover("#hover-target")
                #expect(try await c.page.evaluate("document.getElementById('hover-state').textContent") == "hovered")
                #expect(try await c.page.evaluate("window.trusted.hover") == true)
            }
        }

        @Test func keyCombinationsSplitIntoKeys() {
            #expect(Page.splitKeyCombination("Control+Shift+a") == ["Control", "Shift", "a"])
            #expect(Page.splitKeyCombination("+") == ["+"])
            #expect(Page.splitKeyCombination("Shift++") == ["Shift", "+"])
            #expect(Page.splitKeyCombination("Enter") == ["Enter"])
        }
    }
}
