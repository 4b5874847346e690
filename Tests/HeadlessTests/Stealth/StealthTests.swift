import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    /// Loads the fixture's bot-detection page under each preset and checks what each one hides.
    @Suite("Stealth: presets against the bot-detection page", .serialized)
    struct StealthTests {
        static let readReport = ##"{"wait_for": {"type": "selector", "selector": "#result[data-ready]"}, "actions": [{"type": "evaluate", "expression": "window.botReport"}]}"##

        static func report(_ c: RenderHarness.Context, _ stealth: StealthConfig, seed: String? = "seed-1") async throws -> JSONValue {
            let result = try await c.render("/bot.html", readReport, stealth: stealth, seed: seed).result
            let report = try #require(result.actionsExecuted.first?.result)
            #expect(report["error"] == nil, "the bot page failed: \(report["error"]?.stringValue ?? "")")
            return report
        }

        static func tells(_ report: JSONValue) -> Set<String> {
            Set((report["tells"]?.objectValue ?? [:]).filter { $0.value == true }.keys)
        }

        @Test func presetNoneLeavesTheHeadlessTellsVisible() async throws {
            try await RenderHarness.with { c in
                let report = try await Self.report(c, .none)
                let tells = Self.tells(report)
                #expect(tells.isSuperset(of: ["headless_user_agent", "headless_ua_data", "empty_plugins", "missing_chrome",
                                             "permissions_mismatch", "webgl", "outer_size"]))
                #expect(report["stable"] == true)
            }
        }

        @Test func presetLowHidesWebdriverAndHeadlessUserAgentOnly() async throws {
            try await RenderHarness.with { c in
                let report = try await Self.report(c, StealthConfig(preset: .low))
                let tells = Self.tells(report)
                #expect(!tells.contains("webdriver"))
                #expect(!tells.contains("headless_user_agent"))
                #expect(!tells.contains("headless_ua_data"))
                #expect(tells.contains("empty_plugins"))
                #expect(tells.contains("webgl"))
                #expect(report["http_user_agent"] == report["user_agent"])
            }
        }

        @Test func presetMediumHidesEveryTellTheCommonPagesTest() async throws {
            try await RenderHarness.with { c in
                let report = try await Self.report(c, StealthConfig(preset: .medium))
                #expect(Self.tells(report).isEmpty, "tells still visible: \(Self.tells(report))")
                #expect(report["stable"] == true)
                #expect(report["languages"] == ["en-US", "en"])
                #expect(report["http_accept_language"] == "en-US,en;q=0.9")
                #expect(report["http_user_agent"] == report["user_agent"])
                #expect(report["plugins"] == 5 && report["mime_types"] == 2)
                #expect(report["notification_permission"] == "default")
                let ua = try #require(report["user_agent"]?.stringValue)
                #expect(ua.contains("Chrome/") && !ua.contains("Headless"))
                #expect((report["outer_height"]?.intValue ?? 0) > (report["inner_height"]?.intValue ?? .max))
            }
        }

        @Test func presetMediumHidesEveryTellOnTheFullChromiumEngineToo() async throws {
            try await RenderHarness.with(engine: .chromium) { c in
                let report = try await Self.report(c, StealthConfig(preset: .medium))
                #expect(Self.tells(report).isEmpty, "tells still visible: \(Self.tells(report))")
                #expect(report["plugins"] == 5)
                #expect(report["stable"] == true)
            }
        }

        @Test func presetHighIsOneConsistentDesktop() async throws {
            try await RenderHarness.with { c in
                for seed in ["alpha", "beta", "gamma"] {
                    let report = try await Self.report(c, StealthConfig(preset: .high), seed: seed)
                    #expect(Self.tells(report).isEmpty, "seed \(seed): \(Self.tells(report))")
                    let ua = try #require(report["user_agent"]?.stringValue)
                    let platform = report["platform"]?.stringValue ?? ""
                    let uaPlatform = report["ua_data_platform"]?.stringValue ?? ""
                    switch platform {
                    case "Win32": #expect(ua.contains("Windows NT") && uaPlatform == "Windows")
                    case "MacIntel": #expect(ua.contains("Macintosh") && uaPlatform == "macOS")
                    default: #expect(platform.hasPrefix("Linux") && ua.contains("Linux") && uaPlatform == "Linux")
                    }
                    let secCHPlatform = report["http_sec_ch_ua"]?.stringValue ?? ""
                    #expect(secCHPlatform.contains("Google Chrome"))
                    #expect((report["screen_width"]?.intValue ?? 0) >= (report["inner_width"]?.intValue ?? .max))
                }
            }
        }

        @Test func oneSeedIsOneFingerprintAcrossRenders() async throws {
            try await RenderHarness.with { c in
                let keys = ["user_agent", "platform", "webgl", "hardware_concurrency", "device_memory", "screen_width", "ua_data_brands"]
                let first = try await Self.report(c, StealthConfig(preset: .high), seed: "session-42")
                let second = try await Self.report(c, StealthConfig(preset: .high), seed: "session-42")
                for key in keys { #expect(first[key] == second[key], "\(key) changed between renders of one session") }
                var fingerprints: Set<String> = []
                for seed in (0..<6).map({ "session-\($0)" }) {
                    let report = try await Self.report(c, StealthConfig(preset: .high), seed: seed)
                    fingerprints.insert(keys.map { report[$0]?.jsonString() ?? "" }.joined(separator: "|"))
                }
                #expect(fingerprints.count > 1)
            }
        }

        @Test func overridesWinOverThePreset() async throws {
            try await RenderHarness.with { c in
                let stealth = StealthConfig(
                    preset: .medium, locale: "de-DE", timezone: "Europe/Berlin", platform: "Win32",
                    webglVendor: "Tidepool GPU Inc.", webglRenderer: "Tidepool Renderer 1", hardwareConcurrency: 6,
                    deviceMemory: 4
                )
                let report = try await Self.report(c, stealth)
                #expect(report["languages"] == ["de-DE", "de", "en-US", "en"])
                #expect(report["http_accept_language"] == "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7")
                #expect(report["locale"] == "de-DE")
                #expect(report["timezone"] == "Europe/Berlin")
                #expect(report["platform"] == "Win32")
                #expect(report["webgl"] == ["vendor": "Tidepool GPU Inc.", "renderer": "Tidepool Renderer 1"])
                #expect(report["hardware_concurrency"] == 6)
                #expect(report["device_memory"] == 4)
            }
        }

        @Test func explicitUserAgentKeepsClientHintsConsistent() async throws {
            try await RenderHarness.with { c in
                let ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36"
                let report = try await Self.report(c, StealthConfig(preset: .medium, userAgent: ua))
                #expect(report["user_agent"] == .string(ua))
                #expect(report["http_user_agent"] == .string(ua))
                #expect(report["platform"] == "MacIntel")
                #expect(report["ua_data_platform"] == "macOS")
                #expect(report["ua_data_brands"]?.arrayValue?.contains("Google Chrome/150") == true)
            }
        }
    }
}

@Suite("Stealth: profile resolution")
struct StealthProfileTests {
    static let browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.8078.79 Safari/537.36"

    @Test func greaseBrandsMatchChromium156() {
        let version = ChromeVersion(userAgent: Self.browserUA)
        #expect(version == ChromeVersion(major: 156, full: "156.0.8078.79"))
        #expect(version?.brands(full: false).map { "\($0.brand)/\($0.version)" } == ["Not:A-Brand/8", "Chromium/156", "Google Chrome/156"])
    }

    @Test func sameSeedResolvesToTheSameProfile() {
        let a = StealthProfile.resolve(StealthConfig(preset: .high), seed: "s", browserUserAgent: Self.browserUA, viewport: .default)
        let b = StealthProfile.resolve(StealthConfig(preset: .high), seed: "s", browserUserAgent: Self.browserUA, viewport: .default)
        #expect(a == b)
    }

    @Test func presetNoneChangesNothing() {
        let profile = StealthProfile.resolve(.none, seed: "s", browserUserAgent: Self.browserUA, viewport: .default)
        #expect(profile == StealthProfile.unchanged(.none))
        #expect(StealthScript.source(for: profile) == nil)
    }

    @Test func lowRemovesHeadlessFromTheUserAgent() {
        let profile = StealthProfile.resolve(StealthConfig(preset: .low), seed: "s", browserUserAgent: Self.browserUA, viewport: .default)
        #expect(profile.userAgent == Self.browserUA.replacingOccurrences(of: "HeadlessChrome", with: "Chrome"))
        #expect(profile.hideWebdriver)
        #expect(!profile.fakePlugins)
        #expect(profile.userAgentMetadata?.brands.contains { $0.brand.contains("Headless") } == false)
    }

    @Test func screenIsNeverSmallerThanTheViewport() {
        let viewport = Viewport(width: 3000, height: 2000)
        let profile = StealthProfile.resolve(StealthConfig(preset: .high), seed: "s", browserUserAgent: Self.browserUA, viewport: viewport)
        #expect((profile.screen?.width ?? 0) >= 3000 && (profile.screen?.height ?? 0) >= 2000)
    }

    @Test func acceptLanguageAddsDescendingQValues() {
        #expect(StealthProfile.acceptLanguage(["de-DE", "de", "en-US", "en"]) == "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7")
        #expect(StealthProfile.languages(fromHeader: "fr-CH, fr;q=0.9") == ["fr-CH", "fr"])
    }
}
