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

        /// What a page shows of the overrides a call's stealth may set.
        static let overridden = "JSON.stringify([Intl.DateTimeFormat().resolvedOptions().timeZone, navigator.language, "
            + "navigator.languages, navigator.hardwareConcurrency, navigator.deviceMemory, navigator.platform, navigator.userAgent, "
            + "navigator.webdriver, matchMedia('(prefers-color-scheme: dark)').matches, new Date(0).toLocaleString()])"

        static func overrides(_ c: RenderServer, session: String?, stealth: JSONValue) async throws -> String {
            var params: [String: JSONValue] = [
                "config": ["isolation": "fresh", "actions": [["type": "evaluate", "expression": .string(overridden)]]],
                "stealth": stealth,
            ]
            if let session { params["session_id"] = .string(session) }
            let result = try await c.rendered("/static.html", params)
            return try #require(result["actions_executed"]?[0]?["result"]?.stringValue)
        }

        /// Stealth settings that change every override a page can carry.
        static let tokyo: JSONValue = [
            "preset": "high", "timezone": "Asia/Tokyo", "locale": "ja-JP", "hardware_concurrency": 12, "color_scheme": "dark",
            "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
        ]

        /// A warm session keeps its page between calls; a call's stealth overrides are the page's, so
        /// the next call with other stealth settings must not see them: it shows what a page with its
        /// own settings shows (here `none`: Chromium's own values, as a render without a session).
        @Test func aWarmSessionsNextCallDoesNotInheritTheLastCallsOverrides() async throws {
            try await RenderServer.with { c in
                _ = try await c.server.result("session.create", ["session_id": "warm-overrides", "keep_warm": true])
                let plain = try await Self.overrides(c, session: nil, stealth: ["preset": "none"])
                let first = try await Self.overrides(c, session: "warm-overrides", stealth: Self.tokyo)
                #expect(first != plain)
                #expect(first.contains("Asia/Tokyo") && first.contains("ja-JP") && first.contains("Windows"), "\(first)")
                let second = try await Self.overrides(c, session: "warm-overrides", stealth: ["preset": "none"])
                #expect(second == plain, "the warm call showed \(second), a plain page \(plain)")
                // And back: the session's own settings again give the first call's values.
                let third = try await Self.overrides(c, session: "warm-overrides", stealth: Self.tokyo)
                #expect(third == first)
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
