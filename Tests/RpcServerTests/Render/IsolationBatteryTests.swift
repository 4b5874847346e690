import Foundation
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// The isolation battery (fixture `isolation/`): one page leaves every kind of state a page can
    /// leave (cookies from script and HttpOnly ones from the server, localStorage, sessionStorage,
    /// IndexedDB, Cache Storage, a service worker, the HTTP cache, `window.name`, history), another
    /// looks for each. Control: in the same page every probe finds its state. Then what each way of
    /// rendering the next call carries over: nothing for a fresh or a recycled context; exactly cookies
    /// and localStorage for a session restored into one; everything for a keep_warm session.
    @Suite struct IsolationBatteryTests {
        /// Every kind the battery writes and probes.
        static let kinds = [
            "cookie_script", "cookie_http_only", "local_storage", "session_storage", "indexed_db", "cache_storage",
            "service_worker", "http_cache", "window_name", "history",
        ]

        static let writeConfig: JSONValue = ["wait_for": ["type": "selector", "selector": "#written"]]
        static let probeConfig: JSONValue = ["wait_for": ["type": "selector", "selector": "#probe"]]

        /// The JSON object in `<pre id="…">` of a render's HTML.
        static func report(_ id: String, in result: JSONValue) throws -> [String: JSONValue] {
            let html = try #require(result["html"]?.stringValue)
            let start = try #require(html.range(of: "<pre id=\"\(id)\">"))
            let end = try #require(html.range(of: "</pre>", range: start.upperBound..<html.endIndex))
            let text = String(html[start.upperBound..<end.lowerBound])
            return try #require(try JSONValue(parsing: Data(text.utf8)).objectValue, "\(text)")
        }

        /// Renders the writing page (with `params`) and checks that it wrote every kind; the result.
        @discardableResult
        static func write(_ c: RenderServer, _ params: [String: JSONValue] = [:], config: JSONValue = writeConfig)
            async throws -> JSONValue
        {
            let result = try await c.rendered(
                "/isolation/write.html", params.merging(["config": config]) { _, new in new })
            let written = try report("written", in: result)
            #expect(written == Dictionary(uniqueKeysWithValues: kinds.map { ($0, JSONValue.bool(true)) }), "\(written)")
            return result
        }

        /// The kinds the probing page finds, rendered with `params`.
        static func found(_ c: RenderServer, _ params: [String: JSONValue] = [:]) async throws -> Set<String> {
            try await probed(c, params).found
        }

        /// The kinds the probing page finds, rendered with `params` (and `config` added to the probe's
        /// wait), and the context the render reported.
        static func probed(_ c: RenderServer, _ params: [String: JSONValue] = [:], config: [String: JSONValue] = [:])
            async throws -> (found: Set<String>, context: String?)
        {
            let merged = JSONValue.object((probeConfig.objectValue ?? [:]).merging(config) { _, new in new })
            let result = try await c.rendered(
                "/isolation/probe.html", params.merging(["config": merged]) { _, new in new })
            let probe = try report("probe", in: result)
            #expect(Set(probe.keys) == Set(kinds), "every probe reported: \(probe)")
            return (Set(probe.filter { $0.value == .bool(true) }.keys), result["context"]?.stringValue)
        }

        @Test func everyProbeFindsItsStateInThePageThatWroteIt() async throws {
            try await RenderServer.with { c in
                let config: JSONValue = [
                    "wait_for": ["type": "selector", "selector": "#written"],
                    "actions": [
                        ["type": "navigate", "url": .string(c.url("/isolation/probe.html"))],
                        ["type": "wait", "condition": ["type": "selector", "selector": "#probe"]],
                    ],
                ]
                let result = try await c.rendered("/isolation/write.html", ["config": config])
                let probe = try Self.report("probe", in: result)
                #expect(probe == Dictionary(uniqueKeysWithValues: Self.kinds.map { ($0, JSONValue.bool(true)) }), "\(probe)")
            }
        }

        @Test func aFreshContextFindsNothingOfThePreviousRender() async throws {
            try await RenderServer.with { c in
                try await Self.write(c)
                let (leaked, context) = try await Self.probed(c, config: ["isolation": "fresh"])
                #expect(context == "fresh")
                #expect(leaked == [], "\(leaked)")
            }
        }

        @Test func aRecycledContextFindsNothingOfThePreviousRender() async throws {
            try await RenderServer.with { c in
                let written = try await Self.write(c)
                #expect(written["context"] == "fresh")
                // The same origin, the same stealth: the writer's context and page, reset.
                let (leaked, context) = try await Self.probed(c)
                #expect(context == "recycled")
                #expect(leaked == [], "\(leaked)")
                // And again, after a probe (which writes nothing) was the previous render.
                try await Self.write(c)
                let (again, reused) = try await Self.probed(c)
                #expect(reused == "recycled")
                #expect(again == [], "\(again)")
            }
        }

        @Test func aSessionCarriesExactlyItsCookiesAndLocalStorageIntoAFreshContext() async throws {
            try await RenderServer.with { c in
                try await Self.write(c, ["session_id": "battery"])
                let restored = try await Self.found(c, ["session_id": "battery"])
                #expect(restored == ["cookie_script", "cookie_http_only", "local_storage"], "\(restored)")
                let leaked = try await Self.found(c)
                #expect(leaked == [], "a render without the session finds nothing: \(leaked)")
            }
        }

        @Test func aKeepWarmSessionKeepsItsWholeContextAndItsPage() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "warm-battery", "keep_warm": true])
                try await Self.write(c, ["session_id": "warm-battery"])
                // Everything carries over by design: the context's state and the page's own
                // (sessionStorage, window.name, history), as the page is kept between calls.
                let kept = try await Self.found(c, ["session_id": "warm-battery"])
                #expect(kept == Set(Self.kinds), "\(kept)")
                let leaked = try await Self.found(c)
                #expect(leaked == [], "\(leaked)")
            }
        }
    }
}
