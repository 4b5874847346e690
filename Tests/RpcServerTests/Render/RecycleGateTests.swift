import Foundation
import NIOHTTP1
import Rendering
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// A recycled page's gate over HTTP JSON-RPC (see `RecycleGate`): the previous render's document
    /// stays until the next render's navigation, and what it does to the end — timers, a worker that
    /// never stops writing, beforeunload, pagehide, unload — is cleared at the gate before the next
    /// document's first script. A navigation the gate cannot guard runs again in a fresh context.
    @Suite struct RecycleGateTests {
        /// The JSON object in `<pre id="probe">` of a render's HTML.
        static func probe(_ result: JSONValue) throws -> [String: JSONValue] {
            try IsolationBatteryTests.report("probe", in: result)
        }

        static func retired(_ c: RenderServer, _ reason: String) async throws -> Int {
            let text = try await c.server.request(.GET, "/metrics").body
            let line = text.split(separator: "\n")
                .first { $0.hasPrefix(#"tidepool_recycled_contexts_retired_total{reason="\#(reason)"} "#) }
            return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) } ?? 0
        }

        @Test func whatThePreviousDocumentWritesToItsEndNeverReachesTheNextRender() async throws {
            try await RenderServer.with { c in
                let writer = try await c.rendered(
                    "/isolation/unload.html", ["config": ["wait_for": ["type": "selector", "selector": "#ready"]]])
                #expect(writer["context"] == "fresh")
                let config: JSONValue = [
                    "wait_for": ["type": "selector", "selector": "#probe"],
                    "capture": ["console": true, "network": true],
                ]
                let next = try await c.rendered("/isolation/unload-probe.html", ["config": config])
                #expect(next["context"] == "recycled")
                let found = try Self.probe(next)
                let empty: [String: JSONValue] = [
                    "cookie": "", "local_storage": [], "session_storage": [], "window_name": "", "resources": [],
                    "indexed_db": [], "cache_storage": [],
                ]
                #expect(found == empty, "\(found)")
                // Its console and network log hold this render's entries only: none of the previous
                // document's unload handlers, and not the gate's own request.
                let console = try #require(next["artifacts"]?["console"]?.arrayValue).compactMap { $0["text"]?.stringValue }
                #expect(console.contains("probe-render"), "\(console)")
                #expect(!console.contains { $0.contains("previous-render") }, "\(console)")
                let urls = try #require(next["artifacts"]?["network"]?.arrayValue).compactMap { $0["url"]?.stringValue }
                #expect(urls.contains { $0.hasSuffix("/isolation/unload-probe.html") }, "\(urls)")
                #expect(!urls.contains { $0.contains("previous-render") || $0.contains("__tidepool_gate__") }, "\(urls)")
                let retired = try await Self.retired(c, "gate")
                #expect(retired == 0)
            }
        }

        @Test func theControlSeesWhatThePreviousDocumentWrote() async throws {
            // The same two pages in one render (the writer navigates to the probe): the probe finds the
            // writer's state, so the test above would see it if the gate let it through.
            try await RenderServer.with { c in
                let config: JSONValue = [
                    "wait_for": ["type": "selector", "selector": "#ready"],
                    "actions": [
                        ["type": "navigate", "url": .string(c.url("/isolation/unload-probe.html"))],
                        ["type": "wait", "condition": ["type": "selector", "selector": "#probe"]],
                    ],
                ]
                let found = try Self.probe(try await c.rendered("/isolation/unload.html", ["config": config]))
                #expect(found["cookie"]?.stringValue?.contains("gone_pagehide=1") == true, "\(found)")
                #expect(found["local_storage"]?.arrayValue?.contains("gone_unload") == true, "\(found)")
                #expect(found["session_storage"]?.arrayValue?.contains("gone_beforeunload") == true, "\(found)")
                #expect(found["window_name"]?.stringValue?.hasPrefix("gone_") == true, "\(found)")
                #expect(found["indexed_db"]?.arrayValue?.isEmpty == false, "\(found)")
                #expect(found["cache_storage"]?.arrayValue?.isEmpty == false, "\(found)")
            }
        }

        @Test func aParkedDocumentThatNavigatesByItselfLeavesNothingEither() async throws {
            // Scripts off do not stop a meta refresh: the parked page loads the writing page while it
            // waits (whose scripts then stay off). The next render still passes the gate, clean. (A
            // refresh that fires while the page is being settled fails the settling: the context goes.)
            try await RenderServer.with { c in
                let first = try await c.rendered("/isolation/refresh?ms=2500")
                #expect(first["html"]?.stringValue?.contains("refreshing") == true)
                try await Task.sleep(for: .milliseconds(3200))
                let next = try await c.rendered(
                    "/isolation/unload-probe.html", ["config": ["wait_for": ["type": "selector", "selector": "#probe"]]])
                let text = try await c.server.request(.GET, "/metrics").body
                #expect(next["context"] == "recycled", "retired: \(text.split(separator: "\n").filter { $0.contains("recycled_contexts_retired") })")
                let found = try Self.probe(next)
                #expect(found["cookie"] == "" && found["local_storage"] == [] && found["window_name"] == "", "\(found)")
            }
        }

        @Test func aSameDocumentNavigationRunsAgainInAFreshContext() async throws {
            // Only the fragment differs: the browser would keep the previous render's document.
            try await RenderServer.with { c in
                _ = try await c.rendered("/static.html")
                let again = try await c.rendered("/static.html#again")
                #expect(again["context"] == "fresh")
                #expect(again["html"]?.stringValue?.contains("Static fixture page") == true)
                let retired = try await Self.retired(c, "gate")
                #expect(retired == 1)
                // The fresh context is recycled in turn.
                #expect(try await c.rendered("/static.html")["context"] == "recycled")
            }
        }

        @Test func aPageThatForbidsScriptRequestsRunsAgainInAFreshContext() async throws {
            // `connect-src 'none'`: the gate's request cannot go out, so the document would go on
            // unguarded; the gate script stops it and the render runs in a fresh context.
            try await RenderServer.with { c in
                _ = try await c.rendered("/static.html")
                let guarded = try await c.rendered("/isolation/no-connect")
                #expect(guarded["context"] == "fresh")
                #expect(guarded["html"]?.stringValue?.contains("no requests from script") == true)
                let retired = try await Self.retired(c, "gate")
                #expect(retired == 1)
            }
        }

        @Test func aRenderWithoutJavaScriptAlwaysGetsAFreshContext() async throws {
            try await RenderServer.with { c in
                let off: [String: JSONValue] = ["config": ["javascript_enabled": false]]
                let first = try await c.rendered("/static.html", off)
                let second = try await c.rendered("/static.html", off)
                #expect(first["context"] == "fresh")
                #expect(second["context"] == "fresh")
                #expect(c.renders.recycledCount == 0)
            }
        }
    }
}
