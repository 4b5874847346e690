import AsyncSupport
import Foundation
@testable import Headless
@testable import Rendering
import RenderTypes
import Testing

/// A live view's tab strip (`LiveTabs`): which tab is shown as windows open and close (no Chromium:
/// the sessions are records only).
@Suite struct LiveTabsTests {
    /// Delivers nothing and sends nowhere: the sessions here never send.
    private final class SilentTransport: CDPTransport {
        func start(_ receiver: any CDPTransportReceiver) {}
        func send(_ message: Data) {}
        func close() async {}
    }

    private let connection = CDPConnection(transport: SilentTransport())

    private func tab(_ id: String, opener: String?) -> LiveTabs.Tab {
        LiveTabs.Tab(id: id, session: CDPSession(connection: connection, sessionId: "S-\(id)", targetId: id), opener: opener, url: "", title: "")
    }

    private func tabs() -> LiveTabs {
        LiveTabs(main: CDPSession(connection: connection, sessionId: "S-main", targetId: "MAIN"))
    }

    @Test func aNewWindowIsShownAndItsClosingShowsItsOpener() {
        let strip = tabs()
        #expect(strip.active.id == "MAIN")
        #expect(strip.add(tab("A", opener: "MAIN")))
        #expect(strip.active.id == "A", "a window that opens is shown, as a browser focuses it")
        #expect(strip.add(tab("B", opener: "A")))
        #expect(strip.activate("MAIN"))
        #expect(!strip.activate("MAIN"), "shown already")
        #expect(!strip.activate("NOPE"))
        #expect(strip.activate("B"))
        #expect(strip.remove("B"))
        #expect(strip.active.id == "A", "B's opener")
        #expect(strip.remove("A"))
        #expect(strip.active.id == "MAIN")
        #expect(!strip.remove("MAIN"), "the session's page never leaves the strip")
        #expect(!strip.remove("A"), "gone already")
    }

    @Test func closingAHiddenTabKeepsTheShownOneAndAClosedOpenerFallsBackToTheSessionPage() {
        let strip = tabs()
        _ = strip.add(tab("A", opener: "MAIN"))
        _ = strip.add(tab("B", opener: "A"))
        #expect(strip.remove("A"))
        #expect(strip.active.id == "B")
        #expect(strip.remove("B"))
        #expect(strip.active.id == "MAIN", "B's opener is closed")
        #expect(strip.snapshot.tabs.map(\.id) == ["MAIN"])
    }

    @Test func theStripIsBounded() {
        let strip = tabs()
        for n in 1..<LiveTabs.maxTabs { #expect(strip.add(tab("T\(n)", opener: "MAIN"))) }
        #expect(strip.isFull)
        #expect(!strip.add(tab("LATE", opener: "MAIN")))
        #expect(!strip.add(tab("T1", opener: "MAIN")), "known already")
        #expect(strip.snapshot.tabs.count == LiveTabs.maxTabs)
    }

    @Test func aSwitchWakesTheStreamOfTheTabShownBefore() async {
        let strip = tabs()
        let signal = strip.switchSignal(from: "MAIN")
        #expect(signal.current == nil)
        _ = strip.add(tab("A", opener: "MAIN"))
        #expect(await signal.wait(timeout: .seconds(5)) != nil)
        // Asked for by a stream that is behind already: resolved at once.
        #expect(strip.switchSignal(from: "MAIN").current != nil)
        #expect(strip.switchSignal(from: "A").current == nil)
    }

    @Test func updatesReportChangesOnly() {
        let strip = tabs()
        _ = strip.add(tab("A", opener: "MAIN"))
        #expect(strip.update("A", url: "http://127.0.0.1/x", title: "X"))
        #expect(!strip.update("A", url: "http://127.0.0.1/x", title: "X"))
        #expect(!strip.update("NOPE", url: "u", title: "t"))
    }

    @Test func tabMessagesAreInputsWithPlainIDs() {
        #expect(LiveInput(["t": "tab", "id": "AB12"]) == .showTab("AB12"))
        #expect(LiveInput(["t": "close_tab", "id": "AB12"]) == .closeTab("AB12"))
        for bad: JSONValue in [["t": "tab"], ["t": "tab", "id": ""], ["t": "tab", "id": "a\"b"], ["t": "close_tab", "id": .string(String(repeating: "A", count: 65))]] {
            #expect(LiveInput(bad) == nil, "\(bad)")
        }
    }
}
