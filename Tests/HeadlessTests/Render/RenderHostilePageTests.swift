import FixtureServer
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    /// Pages that attack the renderer itself: each render ends as it should, and the pool serves the
    /// next one.
    @Suite("Render: hostile pages", .serialized)
    struct RenderHostilePageTests {
        /// A plain render succeeds (the pool is still serving).
        static func expectServing(_ c: RenderHarness.Context) async throws {
            let result = try await c.render("/static.html").result
            #expect(result.statusCode == 200)
            #expect(result.title == "Tidepool Fixture: Static Page")
        }

        @Test func anEndlessLoopTimesOutAtTheDeadlineAndThePoolServesTheNext() async throws {
            try await RenderHarness.with { c in
                let error = try await RenderHarness.renderError { try await c.render("/hostile/spin.html", #"{"timeout_ms": 3000}"#) }
                guard case .timeout(let stage, let elapsedMs) = error else {
                    Issue.record("expected a timeout, got \(error)")
                    return
                }
                #expect(stage == .wait)
                #expect((3_000..<4_500).contains(elapsedMs))
                try await Self.expectServing(c)
            }
        }

        @Test func aRendererOutOfMemoryFailsAsACrashAndThePoolServesTheNext() async throws {
            // A small JavaScript heap makes the renderer run out of it in a moment (the default is GBs).
            try await RenderHarness.with(pool: { $0.launch.extraFlags = ["--js-flags=--max-old-space-size=128"] }) { c in
                let error = try await RenderHarness.renderError { try await c.render("/hostile/oom.html", #"{"timeout_ms": 20000}"#) }
                guard case .browserCrashed(let retried, let detail) = error else {
                    Issue.record("expected a crash, got \(error)")
                    return
                }
                #expect(!retried)
                #expect(detail.contains("crashed"))
                try await Self.expectServing(c)
            }
        }

        @Test func aThirtyMegabyteDocumentIsRendered() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/huge?mb=30", #"{"timeout_ms": 60000}"#).result
                let html = try #require(result.html)
                #expect(html.utf8.count > 30_000_000)
                #expect(html.hasSuffix("<p id=\"end\">end of the huge document</p>\n</body></html>"))
                #expect(result.title == "Huge document")
            }
        }

        @Test func aMetaRefreshLoopStillRenders() async throws {
            try await RenderHarness.with { c in
                let result = try await c.render("/hostile/refresh.html").result
                #expect(result.statusCode == 200)
                #expect(result.html?.contains("Reloads itself for ever") == true)
                try await Self.expectServing(c)
            }
        }
    }
}
