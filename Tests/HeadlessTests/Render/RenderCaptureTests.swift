import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    @Suite("Render: capture and page settings", .serialized)
    struct RenderCaptureTests {
        @Test func everyBinaryCaptureIsReturned() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"capture": {"screenshot": true, "full_page": true, "format": "jpeg", "quality": 60, "pdf": true, "mhtml": true}}"##
                let artifacts = try await c.render("/static.html", json).result.artifacts
                let jpeg = try #require(artifacts.screenshot.flatMap { Data(base64Encoded: $0) })
                #expect(jpeg.prefix(3) == Data([0xFF, 0xD8, 0xFF]))
                let pdf = try #require(artifacts.pdf.flatMap { Data(base64Encoded: $0) })
                #expect(pdf.prefix(5) == Data("%PDF-".utf8))
                #expect(artifacts.mhtml?.contains("Static fixture page") == true)
            }
        }

        @Test func consoleAndNetworkLogsAreCapturedWhenAsked() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"wait_for": {"type": "network_idle", "idle_ms": 200}, "capture": {"console": true, "network": true}}"##
                let artifacts = try await c.render("/console.html", json).result.artifacts
                let console = try #require(artifacts.console)
                #expect(console.contains { $0.level == "warning" && $0.text == "fixture warning" })
                #expect(console.contains { $0.level == "error" && $0.text.contains("fixture uncaught exception") })
                let network = try #require(artifacts.network)
                #expect(network.first?.resourceType == "Document")
                #expect(network.first?.status == 200)
            }
        }

        @Test func htmlMetadataAndTimingCanBeTurnedOff() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/static.html", ##"{"capture": {"html": false, "metadata": false, "timing": false}}"##).result
                #expect(result.html == nil)
                #expect(result.artifacts.metadata == nil)
                #expect(result.artifacts.timing == nil)
                #expect(result.title == "Tidepool Fixture: Static Page")
            }
        }

        @Test func viewportIsWhatThePageSees() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"viewport": {"width": 640, "height": 480, "device_scale_factor": 2}, "actions": [{"type": "evaluate", "expression": "[innerWidth, innerHeight, devicePixelRatio, navigator.maxTouchPoints]"}]}"##
                let result = try await c.render("/static.html", json, stealth: .none).result
                #expect(result.actionsExecuted.first?.result == [640, 480, 2, 0])
            }
        }

        @Test func mobileViewportEmulatesTouchAndMobileLayout() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"viewport": {"width": 390, "height": 844, "device_scale_factor": 3, "is_mobile": true}, "actions": [{"type": "evaluate", "expression": "[navigator.maxTouchPoints > 0, devicePixelRatio, matchMedia('(pointer: coarse)').matches]"}]}"##
                let result = try await c.render("/static.html", json, stealth: .none).result
                #expect(result.actionsExecuted.first?.result == [true, 3, true])
            }
        }

        @Test func blockedResourceTypesNeverReachTheServer() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"block_resources": ["image", "font", "stylesheet", "media"], "wait_for": {"type": "network_idle", "idle_ms": 300}}"##
                let result = try await c.render("/media.html", json).result
                #expect(result.html?.contains("pong") == true)
                #expect(c.server.counter.count(.image) == 0)
                #expect(c.server.counter.count(.font) == 0)
                #expect(c.server.counter.count(.stylesheet) == 0)
                #expect(c.server.counter.count(.media) == 0)
                #expect(c.server.counter.count(.script) == 1)
                #expect(c.server.counter.count(.xhr) == 1)
            }
        }

        @Test func withoutBlockingEveryResourceIsFetched() async throws {
            try await RenderHarness.with { c in
                _ = try await c.render("/media.html", ##"{"wait_for": {"type": "network_idle", "idle_ms": 300}}"##)
                #expect(c.server.counter.count(.image) == 3)
                #expect(c.server.counter.count(.font) == 1)
                #expect(c.server.counter.count(.stylesheet) == 1)
                #expect(c.server.counter.count(.media) >= 1)
            }
        }

        @Test func blockedScriptsAndXHRNeverRun() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"block_resources": ["script"], "wait_for": {"type": "network_idle", "idle_ms": 300}}"##
                let result = try await c.render("/media.html", json).result
                #expect(c.server.counter.count(.script) == 0)
                #expect(c.server.counter.count(.xhr) == 0)
                #expect(result.html?.contains("<p id=\"xhr-status\">pending</p>") == true)
            }
        }

        static let webSocketSettled = ##"{"type": "javascript", "expression": "document.getElementById('ws-status').textContent !== 'connecting'"}"##

        @Test func webSocketHandshakeReachesTheServerWithoutBlocking() async throws {
            try await RenderHarness.with { c in
                _ = try await c.render("/websocket.html", ##"{"wait_for": \##(Self.webSocketSettled)}"##)
                #expect(c.server.counter.count(.websocket) == 1)
            }
        }

        @Test func blockedWebSocketsNeverReachTheServer() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"block_resources": ["websocket"], "wait_for": \##(Self.webSocketSettled)}"##
                let result = try await c.render("/websocket.html", json).result
                #expect(c.server.counter.count(.websocket) == 0)
                #expect(result.html?.contains("<p id=\"ws-status\">blocked: SecurityError</p>") == true)
            }
        }

        @Test func blockedURLPatternsNeverReachTheServer() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"block_urls": ["*/assets/img/red.png", "*/api/*"], "wait_for": {"type": "network_idle", "idle_ms": 300}}"##
                _ = try await c.render("/media.html", json)
                #expect(c.server.counter.count(path: "/assets/img/red.png") == 0)
                #expect(c.server.counter.count(path: "/assets/img/blue.png") == 1)
                #expect(c.server.counter.count(.xhr) == 0)
            }
        }

        /// A cross-site frame (its own renderer on the full browser) is held to the page's rules too:
        /// neither its document nor its own requests reach a blocked URL.
        @Test(arguments: StealthTests.engines)
        func blockedURLPatternsHoldInCrossSiteFrames(_ engine: BrowserEngine) async throws {
            try await RenderHarness.with(engine: engine) { c in
                try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                    let page = "/bot.html?cross=\(other.baseURL)"
                    let ready = ##""wait_for": {"type": "selector", "selector": "#result[data-ready]"}, "actions": [{"type": "evaluate", "expression": "window.botReport.realms.cross_iframe"}]"##
                    let own = try await c.render(page, ##"{"block_urls": ["http://127.0.0.2*/api/headers*"], \##(ready)}"##).result
                    let frame = try #require(own.actionsExecuted.first?.result)
                    #expect(frame["values"] != nil, "the frame itself loaded and reported: \(frame)")
                    #expect(frame["http"]?["error"] != nil, "its blocked fetch failed: \(frame)")
                    #expect(other.counter.count(path: "/bot/frame.html") == 1)
                    #expect(other.counter.count(path: "/api/headers") == 0)

                    // The page reports once its cross-site frame gave up (8 s), which a blocked frame does.
                    let blocked = try await c.render(page, ##"{"block_urls": ["http://127.0.0.2*/bot/frame.html*"], \##(ready)}"##).result
                    #expect(blocked.actionsExecuted.first?.result?["error"]?.stringValue?.contains("cross_iframe") == true)
                    #expect(other.counter.count(path: "/bot/frame.html") == 1, "the blocked frame document never reached its server")
                }
            }
        }

        @Test func proxyCarriesTheRendersRequests() async throws {
            try await RenderHarness.with { c in
                // The host does not resolve: only the proxy (the fixture server) can answer for it.
                let json = ##"{"proxy": {"server": "http://127.0.0.1:\##(c.server.port)"}}"##
                let result = try await c.renderer.render(
                    RenderRequest(url: "http://proxied.tidepool.test/static.html", config: try RenderHarness.config(json))
                )
                #expect(result.result.statusCode == 200)
                #expect(result.result.html?.contains("Static fixture page") == true)
                #expect(c.server.counter.count(path: "/static.html") == 1)
            }
        }

        /// With an egress policy its proxy sends the credentials upstream (the page intercepts
        /// nothing); without one the page answers the browser's challenge.
        @Test(arguments: [true, false])
        func proxyCredentialsAnswerTheProxysChallenge(egress: Bool) async throws {
            try await RenderHarness.with(egress: egress ? TestPools.loopbackEgress : nil) { c in
                let (user, password) = FixtureServer.proxyCredentials
                let url = "http://\(FixtureServer.authProxyHost)/static.html"
                let withCredentials = ##"{"proxy": {"server": "http://127.0.0.1:\##(c.server.port)", "username": "\##(user)", "password": "\##(password)"}}"##
                let ok = try await c.renderer.render(RenderRequest(url: url, config: try RenderHarness.config(withCredentials)))
                #expect(ok.result.statusCode == 200)
                #expect(ok.result.html?.contains("Static fixture page") == true)
                let without = ##"{"proxy": {"server": "http://127.0.0.1:\##(c.server.port)"}}"##
                let refused = try await c.renderer.render(RenderRequest(url: url, config: try RenderHarness.config(without)))
                #expect(refused.result.statusCode == 407)
            }
        }

        @Test func extraHeadersAndUserAgentReachTheServer() async throws {
            try await RenderHarness.with { c in
                let json = ##"{"headers": {"X-Tidepool-Test": "yes", "Accept-Language": "fr-CH"}, "user_agent": "TidepoolTest/1.0"}"##
                let result = try await c.render("/headers", json).result
                let html = try #require(result.html)
                #expect(html.contains(#""x-tidepool-test":"yes""#))
                #expect(html.contains(#""user-agent":"TidepoolTest\/1.0""#))
                #expect(html.contains(#""accept-language":"fr-CH""#))
            }
        }

        @Test func javascriptCanBeTurnedOff() async throws {
            try await RenderHarness.with { c in
                let off = try await c.render("/static.html", ##"{"javascript_enabled": false}"##).result
                #expect(off.html?.contains("<p id=\"js-status\">off</p>") == true)
                let on = try await c.render("/static.html").result
                #expect(on.html?.contains("<p id=\"js-status\">on</p>") == true)
            }
        }
    }
}
