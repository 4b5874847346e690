import FixtureServer
import Foundation
import Headless
@testable import Rendering
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// The detection page (Tests/Fixtures/Site/bot.html) through HTTP JSON-RPC: a session shows one
    /// persona, in every realm (page, iframe, cross-origin iframe, dedicated, shared and service worker),
    /// on every call, whether its context is kept warm between calls or not.
    @Suite struct StealthSessionTests {
        static let realms = ["page", "iframe", "cross_iframe", "dedicated", "shared", "service"]

        static func report(_ c: RenderServer, session: String, profile: String? = nil, cross: String) async throws -> JSONValue {
            let config: JSONValue = [
                "wait_for": ["type": "selector", "selector": "#result[data-ready]"],
                "actions": [["type": "evaluate", "expression": "window.botReport"]],
            ]
            var params: [String: JSONValue] = ["session_id": .string(session), "config": config, "stealth": ["preset": "high"]]
            if let profile { params["profile"] = .string(profile) }
            let result = try await c.rendered("/bot.html?cross=\(cross)", params)
            return try #require(result["actions_executed"]?[0]?["result"])
        }

        /// Two calls of one session show the same values in every realm, and no tell.
        static func expectOnePersona(_ c: RenderServer, session: String, profile: String? = nil) async throws {
            let (first, second) = try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                (try await report(c, session: session, profile: profile, cross: other.baseURL),
                 try await report(c, session: session, profile: profile, cross: other.baseURL))
            }
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

        /// A profile session renders in the profile's own browser, in its default context: its shared
        /// worker, which only that browser's target reports, gets the persona too.
        @Test func aProfileSessionKeepsOnePersonaInEveryRealm() async throws {
            try await RenderServer.with { c in
                try await Self.expectOnePersona(c, session: "profile-persona", profile: "persona")
                #expect(await c.renders.profiles.figures().count == 1, "the renders ran in the profile's browser")
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
