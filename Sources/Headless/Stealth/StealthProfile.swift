import Foundation
public import RenderTypes

/// The concrete values a render's stealth puts in place, resolved once from a `StealthConfig`, a seed
/// (the session id: the same seed always resolves to the same values) and the browser's own user agent.
/// What each preset turns on is documented in docs/rendering.md.
public struct StealthProfile: Sendable, Hashable {
    public var preset: StealthConfig.Preset
    /// The user agent to send and expose; nil keeps the browser's.
    public var userAgent: String?
    /// Client hints (`navigator.userAgentData`, `Sec-CH-UA*`) matching `userAgent`.
    public var userAgentMetadata: CDP.Emulation.UserAgentMetadata?
    /// `navigator.platform`; nil keeps the browser's.
    public var platform: String?
    /// `navigator.languages`, most preferred first; also the Accept-Language header.
    public var languages: [String]?
    /// ICU locale for `Intl` (only when the caller asked for one).
    public var locale: String?
    /// IANA time zone (only when the caller asked for one).
    public var timezone: String?
    /// `navigator.webdriver` false (the launch switch's native value) rather than true
    /// (`Emulation.setAutomationOverride`, per page).
    public var hideWebdriver: Bool
    /// Give `navigator.plugins`/`mimeTypes` Chrome's PDF viewer entries when they are empty.
    public var fakePlugins: Bool
    /// Give the page a `window.chrome` object when it has none.
    public var fakeChromeObject: Bool
    /// Make `Notification.permission` agree with `permissions.query` ("default" ↔ "prompt").
    public var fixNotificationPermission: Bool
    /// Give `navigator` the Web Share API (`share`, `canShare`) Chrome has on Windows and macOS.
    public var webShare = false
    public var webglVendor: String?
    public var webglRenderer: String?
    public var hardwareConcurrency: Int?
    public var deviceMemory: Double?
    /// `navigator.connection.rtt` in ms where the browser reports 0 (headless-shell), in every realm.
    public var networkRTT: Int?
    /// `prefers-color-scheme`; nil keeps the browser's (light).
    public var colorScheme: StealthConfig.ColorScheme?
    /// Screen size pages see (`screen.width/height`): its area above the taskbar holds the outer window.
    public var screen: ScreenSize?
    /// The screen area a taskbar, dock or panel takes (`screen.availHeight`, `availTop`), when the
    /// browser reports none.
    public var taskbar: Taskbar?
    /// `outerWidth`/`outerHeight` when the browser reports none (headless-shell): the viewport plus a
    /// desktop Chrome's tab strip and toolbar.
    public var outerWindow: ScreenSize?

    /// A screen in CSS pixels.
    public struct ScreenSize: Sendable, Hashable {
        public var width: Int
        public var height: Int
    }

    /// Height taken from the screen and how much of it is at the top (a menu bar or top panel).
    public struct Taskbar: Sendable, Hashable {
        public var height: Int
        public var top: Int
    }

    /// Height of a desktop Chrome's tab strip and toolbar, added to the viewport for `outerHeight`.
    static let toolbarHeight = 85

    /// Nothing spoofed.
    public static func unchanged(_ preset: StealthConfig.Preset = .none) -> StealthProfile {
        StealthProfile(
            preset: preset, hideWebdriver: false, fakePlugins: false, fakeChromeObject: false,
            fixNotificationPermission: false
        )
    }

    /// Resolves `config` for a browser whose own user agent is `browserUserAgent`. Every random choice
    /// comes from `seed`, so one session always gets one fingerprint.
    public static func resolve(
        _ config: StealthConfig, seed: String, browserUserAgent: String, viewport: Viewport
    ) -> StealthProfile {
        var random = SeededRandom(seed: seed)
        let level = config.preset
        let atLeastLow = level != .none
        let atLeastMedium = level == .medium || level == .high
        let version = ChromeVersion(userAgent: browserUserAgent) ?? ChromeVersion(major: 156, full: "156.0.0.0")

        // A whole persona when asked for (high, or a rotated user agent); else the system the user agent
        // (given or the browser's own) describes, so platform, GPU and UA never contradict each other.
        let wantsPersona = level == .high || config.rotateUserAgent == true
        let chosen = random.pick(StealthPersona.all)
        let persona: StealthPersona =
            if let ua = config.userAgent { StealthPersona.matching(userAgent: ua) ?? .linux }
            else if let platform = config.platform, !wantsPersona { StealthPersona.matching(platform: platform) ?? .linux }
            else if wantsPersona { chosen }
            else { StealthPersona.matching(userAgent: browserUserAgent) ?? .linux }
        let gpu = random.pick(persona.gpus)
        let cores = random.pick(persona.cores)
        let memory = random.pick(persona.memoryGiB)
        // A window is smaller than its screen: the viewport plus Chrome's toolbar must fit in the area
        // the taskbar leaves (a page that sees a window as large as the screen, or larger, sees no
        // desktop). Without such a screen among the persona's, a larger common one; at worst one made
        // to fit.
        let fits = { (screen: (width: Int, height: Int)) in
            screen.width >= viewport.width && screen.height >= viewport.height + toolbarHeight + persona.taskbar.height
        }
        let larger = [(1920, 1200), (2560, 1440), (2560, 1600), (3440, 1440), (3840, 2160)].filter(fits)
        let screens = persona.screens.filter(fits)
        let candidates = screens.isEmpty ? larger : screens
        let made = (viewport.width, viewport.height + toolbarHeight + persona.taskbar.height)
        let screen = candidates.isEmpty ? made : random.pick(candidates)
        if candidates.isEmpty { _ = random.next() }

        var profile = StealthProfile.unchanged(level)
        if let ua = config.userAgent {
            profile.userAgent = ua
        } else if wantsPersona {
            profile.userAgent = persona.userAgent(version)
        } else if atLeastLow {
            profile.userAgent = browserUserAgent.replacingOccurrences(of: "HeadlessChrome", with: "Chrome")
        }
        if let ua = profile.userAgent {
            let uaVersion = ChromeVersion(userAgent: ua) ?? version
            let fullVersion = uaVersion.major == version.major ? version : uaVersion
            profile.userAgentMetadata = CDP.Emulation.UserAgentMetadata(
                brands: fullVersion.brands(full: false), fullVersionList: fullVersion.brands(full: true),
                fullVersion: fullVersion.full, platform: persona.uaPlatform, platformVersion: persona.platformVersion,
                architecture: persona.architecture
            )
        }
        profile.platform = config.platform ?? (wantsPersona || (config.userAgent != nil && atLeastMedium) ? persona.platform : nil)
        profile.hideWebdriver = config.hideWebdriver ?? atLeastLow
        if atLeastMedium {
            profile.fakePlugins = true
            profile.fakeChromeObject = true
            profile.fixNotificationPermission = true
            profile.outerWindow = ScreenSize(width: viewport.width, height: viewport.height + toolbarHeight)
            profile.taskbar = persona.taskbar
            profile.languages = ["en-US", "en"]
            profile.webglVendor = gpu.vendor
            profile.webglRenderer = gpu.renderer
            profile.hardwareConcurrency = cores
            profile.deviceMemory = memory
            profile.screen = ScreenSize(width: screen.0, height: screen.1)
        }
        // Feature presence: what Chrome of the persona's system has and headless Linux lacks.
        profile.webShare = level == .high && (profile.platform.map { $0.hasPrefix("Win") || $0.hasPrefix("Mac") } ?? false)
        if let locale = config.locale {
            profile.locale = locale
            profile.languages = languages(for: locale)
        }
        profile.timezone = config.timezone
        profile.webglVendor = config.webglVendor ?? profile.webglVendor
        profile.webglRenderer = config.webglRenderer ?? profile.webglRenderer
        profile.hardwareConcurrency = config.hardwareConcurrency ?? profile.hardwareConcurrency
        profile.deviceMemory = config.deviceMemory ?? profile.deviceMemory
        // Picked last, so the values above stay what a seed gave before the scheme was part of the
        // persona. About one desktop in three runs a dark theme.
        let scheme: StealthConfig.ColorScheme = random.next() % 3 == 0 ? .dark : .light
        profile.colorScheme = config.colorScheme ?? (level == .high ? scheme : nil)
        // Headless-shell estimates no round trip (`navigator.connection.rtt` 0, a known headless mark);
        // Chrome reports its estimate rounded to 50 ms.
        let rtt = random.pick([50, 100, 150])
        if atLeastMedium { profile.networkRTT = rtt }
        return profile
    }

    /// `de-DE` → `[de-DE, de, en-US, en]`: the locale, its language, then English as browsers add it.
    static func languages(for locale: String) -> [String] {
        var list = [locale]
        if let base = locale.split(separator: "-").first.map(String.init), base != locale { list.append(base) }
        for fallback in ["en-US", "en"] where !list.contains(where: { $0.lowercased() == fallback.lowercased() }) {
            list.append(fallback)
        }
        return list
    }

    /// The Accept-Language header for `languages`: `de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7`.
    static func acceptLanguage(_ languages: [String]) -> String {
        languages.enumerated().map { index, language in
            index == 0 ? language : "\(language);q=0.\(max(1, 10 - index))"
        }.joined(separator: ",")
    }

    /// The Accept-Language header Chromium sends for this profile's languages, if it changes them.
    public var acceptLanguageHeader: String? { languages.map(Self.acceptLanguage) }

    /// `fr-CH, fr;q=0.9` → `[fr-CH, fr]` (q-values dropped, order kept).
    static func languages(fromHeader header: String) -> [String] {
        header.split(separator: ",").compactMap { part in
            let tag = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            return tag.isEmpty ? nil : tag
        }
    }
}
