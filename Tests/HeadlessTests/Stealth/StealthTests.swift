import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    /// Loads the fixture's detection page (Tests/Fixtures/Site/bot.html: the page, a same-origin iframe,
    /// a cross-origin iframe served from 127.0.0.2 (out of process), a dedicated, a shared and a service
    /// worker, compared with each other) under each preset and engine.
    @Suite("Stealth: presets against the detection page", .serialized)
    struct StealthTests {
        static let readReport = ##"{"wait_for": {"type": "selector", "selector": "#result[data-ready]"}, "actions": [{"type": "evaluate", "expression": "window.botReport"}]}"##
        static let realms = ["page", "iframe", "cross_iframe", "dedicated", "shared", "service"]

        static func report(_ c: RenderHarness.Context, _ stealth: StealthConfig, seed: String? = "seed-1") async throws -> JSONValue {
            let result = try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                try await c.render("/bot.html?cross=\(other.baseURL)", readReport, stealth: stealth, seed: seed).result
            }
            let report = try #require(result.actionsExecuted.first?.result)
            #expect(report["error"] == nil, "the detection page failed: \(report["error"]?.stringValue ?? "")")
            for realm in realms {
                #expect(report["realms"]?[realm]?["values"] != nil, "no report from the \(realm) realm: \(report["realms"]?[realm]?["error"]?.stringValue ?? "")")
            }
            return report
        }

        static func tells(_ report: JSONValue) -> [String] {
            (report["tells"]?.arrayValue ?? []).compactMap(\.stringValue)
        }

        /// What the page finds when only the automation flags are hidden, per engine: the values of a
        /// small headless server (2 cores, SwiftShader, no taskbar, a window no larger than its viewport,
        /// a viewport larger than the 800×600 screen), and on headless-shell what the full browser has
        /// itself (Chrome's PDF plugins, `window.chrome`, notification permission, a network round-trip
        /// estimate).
        static func plainTells(_ engine: BrowserEngine) -> [String] {
            let common = ["hardware_concurrency", "no_taskbar", "outer_size", "webgl", "window_larger_than_screen"]
            let shell = ["empty_plugins", "missing_chrome", "network_rtt_zero", "pdf_viewer_disabled", "permissions_mismatch"]
            return (common + (engine == .headlessShell ? shell : [])).sorted()
        }

        /// What plain Chromium adds: the automation flag and "HeadlessChrome" (in the client hints'
        /// brands on headless-shell only).
        static func automationTells(_ engine: BrowserEngine) -> [String] {
            ["headless_user_agent", "webdriver"] + (engine == .headlessShell ? ["headless_ua_data"] : [])
        }

        /// The engines installed here.
        static let engines = BrowserEngine.allCases.filter { FileManager.default.isExecutableFile(atPath: $0.installedBinary) }

        @Test(arguments: engines)
        func presetNoneIsPlainChromium(_ engine: BrowserEngine) async throws {
            try await RenderHarness.with(engine: engine) { c in
                let report = try await Self.report(c, .none)
                #expect(report["webdriver"] == true)
                #expect(Self.tells(report) == (Self.plainTells(engine) + Self.automationTells(engine)).sorted())
            }
        }

        @Test(arguments: engines)
        func presetLowHidesTheAutomationFlagsOnly(_ engine: BrowserEngine) async throws {
            try await RenderHarness.with(engine: engine) { c in
                let report = try await Self.report(c, StealthConfig(preset: .low))
                #expect(report["webdriver"] == false)
                #expect(report["webdriver_type"] == "boolean")
                #expect(Self.tells(report) == Self.plainTells(engine))
                #expect(report["http_user_agent"] == report["user_agent"])
            }
        }

        @Test(arguments: engines)
        func presetMediumShowsNoTellInAnyRealm(_ engine: BrowserEngine) async throws {
            try await RenderHarness.with(engine: engine) { c in
                let report = try await Self.report(c, StealthConfig(preset: .medium))
                #expect(Self.tells(report) == [], "lies: \(report["lies"]?.jsonString() ?? ""), mismatches: \(report["mismatches"]?.jsonString() ?? "")")
                #expect(report["webdriver"] == false)
                #expect(report["languages"] == ["en-US", "en"])
                #expect(report["http_accept_language"] == "en-US,en;q=0.9")
                #expect(report["http_user_agent"] == report["user_agent"])
                #expect(report["plugins"] == 5 && report["mime_types"] == 2)
                #expect(report["notification_permission"] == "default")
                let ua = try #require(report["user_agent"]?.stringValue)
                #expect(ua.contains("Chrome/") && !ua.contains("Headless"))
                #expect((report["outer_height"]?.intValue ?? 0) > (report["inner_height"]?.intValue ?? .max))
                #expect((report["screen_avail_height"]?.intValue ?? .max) < (report["screen_height"]?.intValue ?? 0))
            }
        }

        @Test(arguments: engines)
        func presetHighIsOneConsistentDesktopInEveryRealm(_ engine: BrowserEngine) async throws {
            try await RenderHarness.with(engine: engine) { c in
                var platforms: Set<String> = []
                for seed in ["alpha", "beta", "gamma"] {
                    let report = try await Self.report(c, StealthConfig(preset: .high), seed: seed)
                    #expect(Self.tells(report) == [], "seed \(seed): lies \(report["lies"]?.jsonString() ?? ""), mismatches \(report["mismatches"]?.jsonString() ?? "")")
                    // Web Share where Chrome of the persona's system has it (Windows, macOS), none on Linux.
                    #expect(report["hints"] == [], "seed \(seed)")
                    #expect(report["web_share"] == .bool(!(report["platform"]?.stringValue ?? "").hasPrefix("Linux")), "seed \(seed)")
                    let ua = try #require(report["user_agent"]?.stringValue)
                    let platform = report["platform"]?.stringValue ?? ""
                    platforms.insert(platform)
                    let uaPlatform = report["ua_data_platform"]?.stringValue ?? ""
                    switch platform {
                    case "Win32": #expect(ua.contains("Windows NT") && uaPlatform == "Windows")
                    case "MacIntel": #expect(ua.contains("Macintosh") && uaPlatform == "macOS")
                    default: #expect(platform.hasPrefix("Linux") && ua.contains("Linux") && uaPlatform == "Linux")
                    }
                    #expect(report["http_sec_ch_ua"]?.stringValue?.contains("Google Chrome") == true)
                    #expect((report["screen_width"]?.intValue ?? 0) >= (report["inner_width"]?.intValue ?? .max))
                }
                #expect(platforms.contains { !$0.hasPrefix("Linux") }, "the seeds cover a Windows or macOS persona: \(platforms)")
            }
        }

        @Test func oneSeedIsOneFingerprintAcrossRenders() async throws {
            try await RenderHarness.with { c in
                let keys = ["user_agent", "platform", "webgl", "hardware_concurrency", "device_memory", "screen_width", "screen_avail_height", "ua_data_brands", "color_scheme"]
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

        @Test(arguments: engines)
        func overridesShowInEveryRealm(_ engine: BrowserEngine) async throws {
            try await RenderHarness.with(engine: engine) { c in
                let ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36"
                let stealth = StealthConfig(
                    preset: .medium, userAgent: ua, locale: "de-DE", timezone: "Europe/Berlin",
                    webglVendor: "Tidepool GPU Inc.", webglRenderer: "Tidepool Renderer 1", hardwareConcurrency: 6,
                    colorScheme: .dark
                )
                let report = try await Self.report(c, stealth)
                #expect(Self.tells(report) == [], "mismatches: \(report["mismatches"]?.jsonString() ?? "")")
                for realm in Self.realms {
                    let values = report["realms"]?[realm]?["values"]
                    #expect(values?["user_agent"] == .string(ua), "\(realm)")
                    #expect(values?["languages"] == ["de-DE", "de", "en-US", "en"], "\(realm)")
                    #expect(values?["locale"] == "de-DE", "\(realm)")
                    #expect(values?["timezone"] == "Europe/Berlin", "\(realm)")
                    #expect(values?["webgl"] == ["vendor": "Tidepool GPU Inc.", "renderer": "Tidepool Renderer 1"], "\(realm)")
                    #expect(values?["hardware_concurrency"] == 6, "\(realm)")
                    #expect(values?["platform"] == "Win32", "\(realm)")
                    #expect(values?["ua_data"]?["platform"] == "Windows", "\(realm)")
                }
                for realm in ["page", "iframe", "cross_iframe"] {
                    #expect(report["realms"]?[realm]?["values"]?["color_scheme"] == "dark", "\(realm)")
                }
                #expect(report["http_accept_language"] == "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7")
                #expect(report["ua_data_brands"]?.arrayValue?.contains("Google Chrome/150") == true)
            }
        }

        @Test func deviceMemoryOverrideShowsInEveryRealm() async throws {
            try await RenderHarness.with { c in
                let report = try await Self.report(c, StealthConfig(preset: .medium, deviceMemory: 4))
                #expect(Self.tells(report) == [], "lies: \(report["lies"]?.jsonString() ?? "")")
                for realm in Self.realms {
                    #expect(report["realms"]?[realm]?["values"]?["device_memory"] == 4, "\(realm)")
                }
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

    @Test func onlyHighGivesWebShareAndOnlyToWindowsAndMacPersonas() {
        var systems: Set<String> = []
        for seed in (0..<12).map({ "s\($0)" }) {
            let high = StealthProfile.resolve(StealthConfig(preset: .high), seed: seed, browserUserAgent: Self.browserUA, viewport: .default)
            let platform = high.platform ?? ""
            systems.insert(platform)
            #expect(high.webShare == (platform == "Win32" || platform == "MacIntel"), "\(platform)")
            let medium = StealthProfile.resolve(StealthConfig(preset: .medium), seed: seed, browserUserAgent: Self.browserUA, viewport: .default)
            #expect(!medium.webShare)
        }
        #expect(systems.count > 1)
    }

    @Test func highPicksAColourSchemePerSeedMediumKeepsTheBrowsersAndAnOverrideWins() {
        var schemes: Set<StealthConfig.ColorScheme> = []
        for seed in (0..<12).map({ "s\($0)" }) {
            let high = StealthProfile.resolve(StealthConfig(preset: .high), seed: seed, browserUserAgent: Self.browserUA, viewport: .default)
            schemes.formUnion([high.colorScheme].compactMap { $0 })
            #expect(high.colorScheme != nil)
            let medium = StealthProfile.resolve(StealthConfig(preset: .medium), seed: seed, browserUserAgent: Self.browserUA, viewport: .default)
            #expect(medium.colorScheme == nil)
        }
        #expect(schemes == [.light, .dark])
        let dark = StealthProfile.resolve(StealthConfig(preset: .low, colorScheme: .dark), seed: "s", browserUserAgent: Self.browserUA, viewport: .default)
        #expect(dark.colorScheme == .dark)
    }

    /// A window (viewport plus Chrome's toolbar) fits in the screen's available area for every persona
    /// and viewport, the default 1920×1080 included (a window as large as its screen is a tell).
    @Test(arguments: [Viewport.default, Viewport(width: 1366, height: 768), Viewport(width: 2560, height: 1440), Viewport(width: 5000, height: 3000)])
    func theWindowFitsInTheScreensAvailableArea(_ viewport: Viewport) throws {
        for seed in (0..<16).map({ "s\($0)" }) {
            for preset in [StealthConfig.Preset.medium, .high] {
                let profile = StealthProfile.resolve(StealthConfig(preset: preset), seed: seed, browserUserAgent: Self.browserUA, viewport: viewport)
                let screen = try #require(profile.screen)
                let taskbar = profile.taskbar?.height ?? 0
                let outer = profile.outerWindow ?? .init(width: 0, height: 0)
                #expect(screen.width >= outer.width && screen.height - taskbar >= outer.height, "\(preset) \(seed) \(viewport): \(screen) for \(outer)")
                #expect(screen.height > viewport.height)
            }
        }
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
