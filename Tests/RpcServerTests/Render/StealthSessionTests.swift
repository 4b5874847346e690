import FixtureServer
import Foundation
import Headless
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// The detection page (Tests/Fixtures/Site/bot.html) through HTTP JSON-RPC: a session shows one
    /// persona, in every realm (page, iframe, cross-origin iframe, dedicated, shared and service worker),
    /// on every call, whether its context is kept warm between calls or not.
    @Suite struct StealthSessionTests {
        static let realms = ["page", "iframe", "cross_iframe", "dedicated", "shared", "service"]

        static func report(_ c: RenderServer, session: String) async throws -> JSONValue {
            try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                try await report(c, session: session, cross: other.baseURL)
            }
        }

        static func report(_ c: RenderServer, session: String, cross: String) async throws -> JSONValue {
            let config: JSONValue = [
                "wait_for": ["type": "selector", "selector": "#result[data-ready]"],
                "actions": [["type": "evaluate", "expression": "window.botReport"]],
            ]
            let result = try await c.rendered(
                "/bot.html?cross=\(cross)", ["session_id": .string(session), "config": config, "stealth": ["preset": "high"]])
            return try #require(result["actions_executed"]?[0]?["result"])
        }

        /// Two calls of one session show the same values in every realm, and no tell.
        static func expectOnePersona(_ c: RenderServer, session: String) async throws {
            let first = try await report(c, session: session)
            let second = try await report(c, session: session)
            for report in [first, second] {
                #expect(report["tells"] == [], "mismatches: \(report["mismatches"]?.jsonString() ?? "")")
            }
            for realm in realms {
                let values = first["realms"]?[realm]?["values"]
                #expect(values != nil, "no report from the \(realm) realm")
                #expect(values == second["realms"]?[realm]?["values"], "the \(realm) realm changed between calls")
            }
            for key in ["screen_width", "screen_avail_height", "outer_height", "plugin_names"] {
                #expect(first[key] == second[key], "\(key) changed between calls")
            }
        }

        @Test func aWarmSessionKeepsOnePersonaInEveryRealm() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "warm-persona", "keep_warm": true])
                try await Self.expectOnePersona(c, session: "warm-persona")
                #expect(c.pool.stats().contextsHeld == 1, "the calls shared one kept context")
            }
        }

        @Test func aColdSessionKeepsOnePersonaInEveryRealm() async throws {
            try await RenderServer.with { c in
                try await Self.expectOnePersona(c, session: "cold-persona")
                #expect(c.pool.stats().contextsHeld == 0)
            }
        }
    }
}
