import Foundation

/// How hard a render hides that it is automated (SPEC `StealthConfig`): a preset plus overrides.
/// Every spoofed value is fixed for the life of a session.
public struct StealthConfig: Sendable, Hashable {
    public enum Preset: String, Sendable, Hashable, Codable, CaseIterable {
        /// Chromium as it is: nothing hidden (`navigator.webdriver` is true).
        case none
        /// The automation flags only: `navigator.webdriver`, "HeadlessChrome" in the user agent and
        /// client hints (in the page and its workers).
        case low
        /// Every tell the common detection pages test, one persona in the page, its frames and its
        /// workers (the default).
        case medium
        /// `medium` with a whole desktop persona chosen per session (system, user agent, GPU, cores,
        /// screen) and the features Chrome has on that system (Web Share on Windows and macOS).
        case high
    }

    /// The `prefers-color-scheme` the persona's pages and frames report.
    public enum ColorScheme: String, Sendable, Hashable, Codable, CaseIterable {
        case light, dark
    }

    public var preset: Preset
    public var userAgent: String?
    /// Pick a realistic user agent per session (fixed for the session's life) instead of Chromium's own.
    public var rotateUserAgent: Bool?
    /// BCP 47 language tag: drives `navigator.language(s)` and `Accept-Language`.
    public var locale: String?
    /// IANA time zone (`Europe/Berlin`).
    public var timezone: String?
    /// `navigator.platform` (`Win32`, `MacIntel`, `Linux x86_64`).
    public var platform: String?
    public var hideWebdriver: Bool?
    public var webglVendor: String?
    public var webglRenderer: String?
    public var hardwareConcurrency: Int?
    /// `navigator.deviceMemory` in GiB (0.25 … 8, as browsers report it).
    public var deviceMemory: Double?
    /// `prefers-color-scheme` in CSS and `matchMedia`.
    public var colorScheme: ColorScheme?

    public init(
        preset: Preset = .medium, userAgent: String? = nil, rotateUserAgent: Bool? = nil, locale: String? = nil,
        timezone: String? = nil, platform: String? = nil, hideWebdriver: Bool? = nil, webglVendor: String? = nil,
        webglRenderer: String? = nil, hardwareConcurrency: Int? = nil, deviceMemory: Double? = nil,
        colorScheme: ColorScheme? = nil
    ) {
        self.preset = preset
        self.userAgent = userAgent
        self.rotateUserAgent = rotateUserAgent
        self.locale = locale
        self.timezone = timezone
        self.platform = platform
        self.hideWebdriver = hideWebdriver
        self.webglVendor = webglVendor
        self.webglRenderer = webglRenderer
        self.hardwareConcurrency = hardwareConcurrency
        self.deviceMemory = deviceMemory
        self.colorScheme = colorScheme
    }

    public static let `default` = StealthConfig()
    public static let none = StealthConfig(preset: .none)

    /// Values `navigator.deviceMemory` can take in Chromium.
    public static let deviceMemoryValues: [Double] = [0.25, 0.5, 1, 2, 4, 8]
}

extension StealthConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case preset, locale, timezone, platform
        case userAgent = "user_agent"
        case rotateUserAgent = "rotate_user_agent"
        case hideWebdriver = "hide_webdriver"
        case webglVendor = "webgl_vendor"
        case webglRenderer = "webgl_renderer"
        case hardwareConcurrency = "hardware_concurrency"
        case deviceMemory = "device_memory"
        case colorScheme = "color_scheme"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        preset = try c.decodeIfPresent(Preset.self, forKey: .preset) ?? .medium
        userAgent = try c.decodeIfPresent(String.self, forKey: .userAgent, length: 1...1024)
        rotateUserAgent = try c.decodeIfPresent(Bool.self, forKey: .rotateUserAgent)
        if rotateUserAgent == true {
            try c.require(userAgent == nil, .rotateUserAgent, "cannot be combined with user_agent")
        }
        locale = try c.decodeIfPresent(String.self, forKey: .locale, length: 2...35)
        if let locale { try c.require(Self.isLanguageTag(locale), .locale, "must be a BCP 47 tag like en-US") }
        timezone = try c.decodeIfPresent(String.self, forKey: .timezone, length: 1...64)
        if let timezone {
            try c.require(TimeZone(identifier: timezone) != nil, .timezone,
                          "must be an IANA time zone like Europe/Berlin")
        }
        platform = try c.decodeIfPresent(String.self, forKey: .platform, length: 1...64)
        hideWebdriver = try c.decodeIfPresent(Bool.self, forKey: .hideWebdriver)
        webglVendor = try c.decodeIfPresent(String.self, forKey: .webglVendor, length: 1...256)
        webglRenderer = try c.decodeIfPresent(String.self, forKey: .webglRenderer, length: 1...512)
        hardwareConcurrency = try c.decodeIfPresent(Int.self, forKey: .hardwareConcurrency, in: 1...256)
        deviceMemory = try c.decodeIfPresent(Double.self, forKey: .deviceMemory)
        if let deviceMemory {
            try c.require(Self.deviceMemoryValues.contains(deviceMemory), .deviceMemory,
                          "must be one of 0.25, 0.5, 1, 2, 4, 8")
        }
        colorScheme = try c.decodeIfPresent(ColorScheme.self, forKey: .colorScheme)
    }

    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy(\.isLetter) else {
            return false
        }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isLetter || $0.isNumber } }
    }
}
