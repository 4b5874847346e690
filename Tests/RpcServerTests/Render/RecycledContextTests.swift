import FixtureServer
import Foundation
import Headless
import NIOHTTP1
import Rendering
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// Recycled contexts over HTTP JSON-RPC: a render without a session may run in the reset context
    /// and page of an earlier render of the same origin and stealth settings (the isolation battery
    /// proves the reset); never across origins or settings, never after a failed render or a page that
    /// left its origin or opened popups, never with `isolation: "fresh"`, and at most
    /// `recycle_max_uses` renders in all.
    @Suite struct RecycledContextTests {
        /// The context each render reported, in order.
        static func contexts(_ results: [JSONValue]) -> [String] {
            results.map { $0["context"]?.stringValue ?? "none" }
        }

        @Test func aContextServesAtMostMaxUsesRendersThenAFreshOneTakesOver() async throws {
            let render = RenderService.Configuration(renderer: Renderer.Configuration(actionTimeout: .seconds(2)), recycleMaxUses: 3)
            try await RenderServer.with(render: render) { c in
                var results: [JSONValue] = []
                for _ in 0..<5 { results.append(try await c.rendered("/static.html")) }
                #expect(Self.contexts(results) == ["fresh", "recycled", "recycled", "fresh", "recycled"])
                let text = try await c.server.request(.GET, "/metrics").body
                #expect(text.contains(#"tidepool_recycled_contexts_retired_total{reason="uses"} 1"#), "\(text)")
            }
        }

        @Test func anotherOriginOrOtherStealthSettingsGetAFreshContext() async throws {
            let render = RenderService.Configuration(renderer: Renderer.Configuration(actionTimeout: .seconds(2)), recycleMaxIdle: 3)
            try await FixtureServer.withRunning { other in
                try await RenderServer.with(render: render) { c in
                    let first = try await c.rendered("/static.html")
                    let elsewhere = try await c.rendered(other.url("/static.html"))
                    let otherPersona = try await c.rendered("/static.html", ["stealth": ["preset": "none"]])
                    let back = try await c.rendered("/static.html")
                    #expect(Self.contexts([first, elsewhere, otherPersona, back]) == ["fresh", "fresh", "fresh", "recycled"])
                    // One parked per origin and settings, once the last render's reset is done.
                    try await eventually("three contexts parked") { c.renders.recycledCount == 3 }
                }
            }
        }

        @Test func freshIsolationIsHonouredAndItsContextIsNotKept() async throws {
            try await RenderServer.with { c in
                let fresh: JSONValue = ["isolation": "fresh"]
                let results = [
                    try await c.rendered("/static.html", ["config": fresh]),
                    try await c.rendered("/static.html", ["config": fresh]),
                    try await c.rendered("/static.html"),
                    try await c.rendered("/static.html", ["config": fresh]),
                ]
                #expect(Self.contexts(results) == ["fresh", "fresh", "fresh", "fresh"])
                try await eventually("the one render that allowed it parked its context") { c.renders.recycledCount == 1 }
                try await Task.sleep(for: .milliseconds(300))
                #expect(c.renders.recycledCount == 1, "and no other")
            }
        }

        @Test func aFailedRenderGivesItsContextBack() async throws {
            try await RenderServer.with { c in
                _ = try await c.rendered("/static.html")
                let failed = try await c.render(
                    "/static.html", ["config": ["wait_for": ["type": "selector", "selector": "#never"], "timeout_ms": 1500]])
                #expect(failed["error"]?["code"] == -32004)
                #expect(c.renders.recycledCount == 0)
                #expect(try await c.rendered("/static.html")["context"] == "fresh")
                let text = try await c.server.request(.GET, "/metrics").body
                #expect(text.contains(#"tidepool_recycled_contexts_retired_total{reason="failed"} 1"#), "\(text)")
            }
        }

        @Test func aPageThatLoadedAFrameOfAnotherOriginOrOpenedPopupsIsNotRecycled() async throws {
            try await FixtureServer.withRunning { other in
                try await RenderServer.with { c in
                    let frame = "document.body.appendChild(Object.assign(document.createElement('iframe'), {src: '\(other.url("/static.html"))'}))"
                    let framed = try await c.rendered(
                        "/static.html",
                        ["config": [
                            "actions": [["type": "evaluate", "expression": .string(frame)]],
                            "wait_for": ["type": "network_idle", "idle_ms": 300],
                        ]])
                    #expect(framed["context"] == "fresh")
                    #expect(c.renders.recycledCount == 0, "a frame of another origin keeps storage no origin clear reaches")
                    let popups = try await c.rendered("/hostile/popups.html?n=2")
                    #expect(popups["popups"]?.arrayValue?.count == 2)
                    #expect(c.renders.recycledCount == 0)
                    let text = try await c.server.request(.GET, "/metrics").body
                    #expect(text.contains(#"tidepool_recycled_contexts_retired_total{reason="refused"} 2"#), "\(text)")
                }
            }
        }

        @Test func concurrentCallersOfOneOriginNeverSeeEachOthersState() async throws {
            // As many callers as the test pool has contexts: no queue forms, so contexts are parked.
            try await RenderServer.with { c in
                // Each render reads what the page finds, then leaves a cookie and localStorage of its own.
                let expression = """
                    (() => { const seen = document.cookie + '|' + localStorage.length;
                      document.cookie = 'mine=' + Math.random() + '; max-age=3600'; localStorage.setItem('mine', '1');
                      return seen; })()
                    """
                let seen = try await withThrowingTaskGroup(of: [String].self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            var seen: [String] = []
                            for _ in 0..<6 {
                                let result = try await c.rendered(
                                    "/static.html", ["config": ["actions": [["type": "evaluate", "expression": .string(expression)]]]])
                                seen.append(result["actions_executed"]?.arrayValue?.first?["result"]?.stringValue ?? "?")
                            }
                            return seen
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                #expect(seen.count == 24)
                #expect(seen.allSatisfy { $0 == "|0" }, "seen: \(seen)")
                let text = try await c.server.request(.GET, "/metrics").body
                let recycled = text.split(separator: "\n")
                    .first { $0.hasPrefix(#"tidepool_render_contexts_total{context="recycled"} "#) }
                    .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
                #expect(recycled > 0, "some renders ran in recycled contexts")
            }
        }
    }
}
