import Foundation
@testable import Headless
import RenderTypes
import Synchronization
import Testing
import TestSupport

/// The commands a render sends to prepare its context, against a fake page (what they do in Chromium
/// is covered by the Chromium render tests). The fake answers every command and fails the navigation,
/// which ends the render right after its setup.
@Suite struct RenderSetupTests {
    @Test func interceptionGoesOutWithTheSetupBatchWhenNothingIsRestored() async throws {
        // Network.enable (a member of the setup batch) is answered only once Fetch.enable was sent: a render
        // that switches interception on after the batch never gets there, and times out. (20 s: only the
        // wrong case waits that long; 3 s timed the right one out once on a loaded machine.)
        let (error, sent) = try await Self.render(#"{"block_resources": ["image"], "timeout_ms": 20000}"#, holding: "Network.enable", until: "Fetch.enable")
        #expect(error == .navigationFailed(url: Self.url, netError: "net::ERR_ABORTED"))
        #expect(sent.filter { $0.hasPrefix("Fetch.") } == ["Fetch.enable"])
        #expect(sent.last == "Page.navigate")
    }

    @Test func interceptionWaitsForTheEndOfALocalStorageRestore() async throws {
        let state = BrowserState(localStorage: ["http://a.test": ["k": "v"]])
        let (error, sent) = try await Self.render(#"{"block_resources": ["image"]}"#, state: state)
        #expect(error == .navigationFailed(url: Self.url, netError: "net::ERR_ABORTED"))
        // The restore's own Fetch.enable … Fetch.disable, then the blocking rules' Fetch.enable, then the page.
        #expect(sent.filter { $0.hasPrefix("Fetch.") } == ["Fetch.enable", "Fetch.disable", "Fetch.enable"])
        #expect(sent.suffix(2) == ["Fetch.enable", "Page.navigate"])
    }

    static let url = "http://a.test/"

    /// Renders `url` with the config `json` on a fake page, holding the reply to `held` until `release`
    /// was sent; returns the render's error and the methods sent until the navigation, in order.
    static func render(
        _ json: String, state: BrowserState? = nil, holding held: String? = nil, until release: String? = nil
    ) async throws -> (RenderError?, [String]) {
        let sent = Recorder<String>()
        let waiting = Mutex<(reply: FakePage.Reply?, released: Bool)>((nil, false))
        let error = try await FakePage.withSession { message in
            guard let id = message["id"]?.intValue, let method = message["method"]?.stringValue else { return [] }
            sent.append(method)
            let reply = (id: id, result: result(of: message))
            return waiting.withLock { w in
                if method == held, !w.released {
                    w.reply = reply
                    return []
                }
                guard method == release, !w.released else { return [reply] }
                w.released = true
                return [reply] + (w.reply.map { [$0] } ?? [])
            }
        } _: { session in
            let renderer = Renderer(provider: FakeProvider(session: session), logger: testLogger())
            let config = try StrictJSONDecoder().decode(DynamicConfig.self, from: Data(json.utf8))
            do {
                _ = try await renderer.render(RenderRequest(url: url, config: config, state: state))
                return RenderError?.none
            } catch let error as RenderError {
                return error
            }
        }
        // What goes out after the navigation (tidying the context for its next render) is not setup.
        let all = sent.all
        let setup = all.lastIndex(of: "Page.navigate").map { Array(all[...$0]) } ?? all
        return (error, setup)
    }

    /// Plausible answers: the page's navigation fails with ERR_ABORTED, a restore's placeholder document
    /// commits, scripts evaluate to true.
    static func result(of message: JSONValue) -> JSONValue {
        switch message["method"]?.stringValue {
        case "Page.addScriptToEvaluateOnNewDocument": ["identifier": "1"]
        case "Page.navigate" where message["params"]?["url"]?.stringValue == url:
            ["frameId": "T", "errorText": "net::ERR_ABORTED"]
        case "Page.navigate": ["frameId": "T", "loaderId": "L"]
        case "Runtime.evaluate": ["result": ["type": "boolean", "value": true]]
        default: [:]
        }
    }

    /// Lends the fake page as a fresh context.
    struct FakeProvider: ContextProvider {
        let session: CDPSession

        func withContext<T: Sendable>(
            priority: RenderPriority, deadline: ContinuousClock.Instant, proxy: ProxyConfig?,
            _ body: (LeasedContext) async throws -> T
        ) async throws -> T {
            try await body(LeasedContext(
                page: session, browserContextId: nil,
                browserUserAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36"
            ))
        }
    }
}
