import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    @Suite("Page: popups", .serialized)
    struct PagePopupTests {
        /// The browser's auto-attach with `waitForDebuggerOnStart` holds every new page, and nobody lets
        /// these go here (the pool would, at its own pace). A same-site popup shares its opener's
        /// renderer: closing it while it still waited left that renderer waiting for good, so the
        /// opener's script stopped at its next `window.open` and the page never loaded (in the pool, about
        /// one render of 30 popups in 20, when the close came before the pool's resume). The page lets
        /// each popup run before closing it: the opener goes on, opens all three, and loads.
        @Test func aPopupClosedWhileItWaitsForTheDebuggerDoesNotStopItsOpener() async throws {
            try await PageHarness.with { c in
                _ = try await c.browser.connection.send(
                    CDP.Target.SetAutoAttach(autoAttach: true, waitForDebuggerOnStart: true, filter: [.init(type: "page")]),
                    timeout: .seconds(5))
                try await c.page.closePopups()
                try await PageHarness.load(c, "/hostile/popups.html?n=3")
                #expect(try await c.page.evaluate("document.getElementById('opened').textContent") == "3")
                #expect(c.page.openedPopups().urls == (0..<3).map { c.url("/hostile/popup.html?i=\($0)") })
            }
        }
    }
}
