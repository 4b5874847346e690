import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    @Suite("Render: navigation and waits", .serialized)
    struct RenderWaitTests {
        /// A JavaScript wait starts once the navigation commits and sees the document as parsed so far:
        /// `/half` sends `<p id="answer">` and, a second later, its text. A condition on the absence of
        /// the text holds on the empty element (and the capture is of the half document); behind
        /// `document.readyState !== 'loading'` a condition is checked on the whole document only. As
        /// docs/rendering.md says.
        @Test func aJavaScriptWaitSeesTheDocumentAsParsedSoFar() async throws {
            try await RenderHarness.with { c in
                let early = try await c.render(
                    "/half?ms=1500",
                    #"{"wait_for": {"type": "javascript", "expression": "document.getElementById('answer').textContent !== 'waiting'"}}"#
                ).result
                #expect(early.waitConditionsMet.count == 1)
                let half = try #require(early.html)
                #expect(half.contains(#"<p id="answer"></p>"#) && !half.contains("the rest"), "\(half)")

                // Behind the guard a condition is checked on the whole document only.
                let whole = try await c.render(
                    "/half?ms=1500",
                    #"{"wait_for": {"type": "javascript", "expression": "document.readyState !== 'loading' && document.getElementById('answer') !== null"}}"#
                ).result
                #expect(whole.waitConditionsMet.count == 1)
                #expect(whole.html?.contains("the rest, 1500 ms later") == true, "\(whole.html ?? "")")
            }
        }

        /// A worker's own script request is announced on the page and finishes on the worker (Chromium
        /// 156): the page went network-idle only once those finish count, for dedicated, shared and
        /// service workers and cross-site frames alike, with stealth or without, on both engines. Each
        /// worker's script is in the network log once, finished.
        @Test(arguments: StealthTests.engines, [StealthConfig.Preset.none, .medium])
        func networkIdleIsReachedOnAPageWithWorkersAndFrames(_ engine: BrowserEngine, _ preset: StealthConfig.Preset) async throws {
            try await RenderHarness.with(engine: engine) { c in
                try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                    let json = #"{"timeout_ms": 15000, "wait_for": {"type": "network_idle", "idle_ms": 300}, "capture": {"network": true}}"#
                    for page in ["/worker.html", "/bot.html?cross=\(other.baseURL)"] {
                        let result = try await c.render(page, json, stealth: StealthConfig(preset: preset)).result
                        #expect(result.waitConditionsMet == ["network_idle(300ms)"], "\(page)")
                        let scripts = (result.artifacts.network ?? []).filter { ["/worker.js", "/bot/dedicated.js", "/bot/shared.js"].contains(URL(string: $0.url)?.path ?? "") }
                        #expect(scripts.count == (page == "/worker.html" ? 1 : 2), "\(page): \(scripts)")
                        #expect(scripts.allSatisfy { $0.status == 200 && $0.error == nil }, "\(page): \(scripts)")
                    }
                }
            }
        }

        @Test func staticPageRendersWithMetadataTimingAndStageTimings() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/static.html").result
                #expect(result.html?.contains("Static fixture page") == true)
                #expect(result.title == "Tidepool Fixture: Static Page")
                #expect(result.finalUrl == c.url("/static.html"))
                #expect(result.statusCode == 200)
                #expect(result.waitConditionsMet == ["load"])
                #expect(result.artifacts.metadata?.openGraph["title"] == "Static OG Title")
                #expect(result.artifacts.timing?.loadMs != nil)
                #expect(result.timings.navigationMs > 0)
                #expect(result.timings.leaseMs > 0)
                #expect(result.renderTimeMs >= result.timings.navigationMs + result.timings.waitMs)
                #expect(result.artifacts.screenshot == nil && result.artifacts.console == nil)
            }
        }

        @Test func domContentLoadedWaitDoesNotNeedLoad() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/hang.html", ##"{"wait_for": {"type": "dom_content_loaded"}, "timeout_ms": 10000}"##).result
                #expect(result.html?.contains("This page never finishes loading") == true)
                #expect(result.waitConditionsMet == ["dom_content_loaded"])
            }
        }

        @Test func networkIdleWaitSeesFetchedContent() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/fetch.html?ms=500", ##"{"wait_for": {"type": "network_idle", "idle_ms": 300}}"##).result
                #expect(result.html?.contains("<li class=\"fetched\">gamma</li>") == true)
            }
        }

        @Test func selectorWaitSeesInjectedContent() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/delayed.html?ms=300", ##"{"wait_for": {"type": "selector", "selector": "#late", "visible": true}}"##).result
                #expect(result.html?.contains("Late content arrived") == true)
                #expect(result.waitConditionsMet == ["selector(#late, visible)"])
            }
        }

        @Test func javascriptWaitWaitsForPredicate() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/delayed.html?ms=300", ##"{"wait_for": {"type": "javascript", "expression": "window.lateReady === true"}}"##).result
                #expect(result.html?.contains("Late content arrived") == true)
            }
        }

        @Test func delayWaitPausesAfterNavigation() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/static.html", ##"{"wait_for": {"type": "delay", "ms": 250}}"##).result
                #expect(result.timings.waitMs >= 250)
                #expect(result.waitConditionsMet == ["delay(250ms)"])
            }
        }

        @Test func allWaitNeedsEveryCondition() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"wait_for": {"type": "all", "conditions": [{"type": "load"}, {"type": "selector", "selector": "#late"}, {"type": "javascript", "expression": "window.lateReady"}]}}"##
                let result = try await c.render("/delayed.html?ms=300", json).result
                #expect(Set(result.waitConditionsMet.prefix(3)) == ["load", "selector(#late)", "javascript(window.lateReady)"])
                #expect(result.waitConditionsMet.last?.hasPrefix("all(") == true)
            }
        }

        @Test func anyWaitTakesTheFirstConditionToHold() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"wait_for": {"type": "any", "conditions": [{"type": "selector", "selector": "#never"}, {"type": "selector", "selector": "#late"}]}, "timeout_ms": 10000}"##
                let result = try await c.render("/delayed.html?ms=200", json).result
                #expect(result.waitConditionsMet == ["selector(#late)", "any(selector(#never), selector(#late))"])
            }
        }

        @Test func selectorThatNeverAppearsTimesOutInStageWait() async throws {
            try await RenderHarness.with { c in
                let error = try await RenderHarness.renderError {
                    try await c.render("/static.html", ##"{"wait_for": {"type": "selector", "selector": "#never", "timeout_ms": 400}}"##)
                }
                guard case .timeout(let stage, let elapsedMs) = error else { throw error }
                #expect(stage == .wait)
                #expect(elapsedMs >= 400)
            }
        }

        @Test func deadlineCoversTheNeverLoadingPage() async throws {
            try await RenderHarness.with { c in
                let error = try await RenderHarness.renderError { try await c.render("/hang.html", ##"{"timeout_ms": 1200}"##) }
                guard case .timeout(let stage, let elapsedMs) = error else { throw error }
                #expect(stage == .wait)
                #expect(elapsedMs >= 1200)
            }
        }

        @Test func slowNavigationTimesOutInStageNavigation() async throws {
            try await RenderHarness.with { c in
                let error = try await RenderHarness.renderError { try await c.render("/slow?ms=3000", ##"{"timeout_ms": 800}"##) }
                guard case .timeout(let stage, _) = error else { throw error }
                #expect(stage == .navigation)
            }
        }

        @Test func refusedConnectionIsNavigationFailure() async throws {
            try await withRefusingPort { port in
                try await RenderHarness.with { c in
                    let url = "http://127.0.0.1:\(port)/"
                    let error = try await RenderHarness.renderError { try await c.renderer.render(RenderRequest(url: url)) }
                    #expect(error == .navigationFailed(url: url, netError: "net::ERR_CONNECTION_REFUSED"))
                }
            }
        }

        @Test func httpErrorStatusIsAResultNotAFailure() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/status/503").result
                #expect(result.statusCode == 503)
            }
        }

        @Test func fileURLIsNotAllowed() async throws {
            try await RenderHarness.with { c in
                let error = try await RenderHarness.renderError { try await c.renderer.render(RenderRequest(url: "file:///etc/passwd")) }
                guard case .urlNotAllowed(let url, _) = error else { throw error }
                #expect(url == "file:///etc/passwd")
            }
        }

        @Test func configBuiltInSwiftIsValidatedLikeTheWire() async throws {
            try await RenderHarness.with { c in
                let config = DynamicConfig(waitFor: .selector(""), timeoutMs: 0)
                let error = try await RenderHarness.renderError {
                    try await c.renderer.render(RenderRequest(url: c.url("/static.html"), config: config))
                }
                guard case .invalidConfig(let field, _) = error else { throw error }
                #expect(field == "config.timeout_ms" || field == "config.wait_for.selector")
            }
        }
    }
}
