extension CDP.Emulation {
    /// `Emulation.setDeviceMetricsOverride`: the page's viewport, scale and screen.
    public struct SetDeviceMetricsOverride: CDPCommand {
        public static let method = "Emulation.setDeviceMetricsOverride"
        public typealias Response = CDPEmptyResponse
        public var width: Int
        public var height: Int
        public var deviceScaleFactor: Double
        public var mobile: Bool
        public var screenWidth: Int?
        public var screenHeight: Int?
        public init(
            width: Int, height: Int, deviceScaleFactor: Double, mobile: Bool, screenWidth: Int? = nil,
            screenHeight: Int? = nil
        ) {
            self.width = width
            self.height = height
            self.deviceScaleFactor = deviceScaleFactor
            self.mobile = mobile
            self.screenWidth = screenWidth
            self.screenHeight = screenHeight
        }
    }

    /// `Emulation.setTouchEmulationEnabled`.
    public struct SetTouchEmulationEnabled: CDPCommand {
        public static let method = "Emulation.setTouchEmulationEnabled"
        public typealias Response = CDPEmptyResponse
        public var enabled: Bool
        public var maxTouchPoints: Int?
        public init(enabled: Bool, maxTouchPoints: Int? = nil) {
            self.enabled = enabled
            self.maxTouchPoints = maxTouchPoints
        }
    }

    /// `Emulation.setScriptExecutionDisabled`: JavaScript off for the page (DevTools evaluation still works).
    public struct SetScriptExecutionDisabled: CDPCommand {
        public static let method = "Emulation.setScriptExecutionDisabled"
        public typealias Response = CDPEmptyResponse
        public var value: Bool
        public init(value: Bool) { self.value = value }
    }

    /// `Emulation.UserAgentBrandVersion`.
    public struct BrandVersion: Encodable, Sendable, Hashable {
        public var brand: String
        public var version: String
        public init(brand: String, version: String) {
            self.brand = brand
            self.version = version
        }
    }

    /// `Emulation.UserAgentMetadata`: what `navigator.userAgentData` and the `Sec-CH-UA*` headers say.
    public struct UserAgentMetadata: Encodable, Sendable, Hashable {
        public var brands: [BrandVersion]
        public var fullVersionList: [BrandVersion]
        public var fullVersion: String
        public var platform: String
        public var platformVersion: String
        public var architecture: String
        public var model: String
        public var mobile: Bool
        public var bitness: String
        public init(
            brands: [BrandVersion], fullVersionList: [BrandVersion], fullVersion: String, platform: String,
            platformVersion: String, architecture: String, model: String = "", mobile: Bool = false,
            bitness: String = "64"
        ) {
            self.brands = brands
            self.fullVersionList = fullVersionList
            self.fullVersion = fullVersion
            self.platform = platform
            self.platformVersion = platformVersion
            self.architecture = architecture
            self.model = model
            self.mobile = mobile
            self.bitness = bitness
        }
    }

    /// `Emulation.setUserAgentOverride`: user agent, `navigator.platform`, Accept-Language and client hints.
    public struct SetUserAgentOverride: CDPCommand {
        public static let method = "Emulation.setUserAgentOverride"
        public typealias Response = CDPEmptyResponse
        public var userAgent: String
        public var acceptLanguage: String?
        public var platform: String?
        public var userAgentMetadata: UserAgentMetadata?
        public init(
            userAgent: String, acceptLanguage: String? = nil, platform: String? = nil,
            userAgentMetadata: UserAgentMetadata? = nil
        ) {
            self.userAgent = userAgent
            self.acceptLanguage = acceptLanguage
            self.platform = platform
            self.userAgentMetadata = userAgentMetadata
        }
    }

    /// `Emulation.setTimezoneOverride`.
    public struct SetTimezoneOverride: CDPCommand {
        public static let method = "Emulation.setTimezoneOverride"
        public typealias Response = CDPEmptyResponse
        public var timezoneId: String
        public init(timezoneId: String) { self.timezoneId = timezoneId }
    }

    /// `Emulation.setLocaleOverride`: ICU locale of `Intl` and number/date formatting.
    public struct SetLocaleOverride: CDPCommand {
        public static let method = "Emulation.setLocaleOverride"
        public typealias Response = CDPEmptyResponse
        public var locale: String
        public init(locale: String) { self.locale = locale }
    }

    /// `Emulation.setEmulatedMedia`: CSS media features such as `prefers-color-scheme` (per frame's
    /// renderer: a cross-site frame needs its own).
    public struct SetEmulatedMedia: CDPCommand {
        public static let method = "Emulation.setEmulatedMedia"
        public typealias Response = CDPEmptyResponse
        public struct Feature: Encodable, Sendable {
            public var name: String
            public var value: String
            public init(name: String, value: String) {
                self.name = name
                self.value = value
            }
        }
        public var features: [Feature]
        public init(features: [Feature]) { self.features = features }
    }

    /// `Emulation.setHardwareConcurrencyOverride`: `navigator.hardwareConcurrency`, workers included.
    public struct SetHardwareConcurrencyOverride: CDPCommand {
        public static let method = "Emulation.setHardwareConcurrencyOverride"
        public typealias Response = CDPEmptyResponse
        public var hardwareConcurrency: Int
        public init(hardwareConcurrency: Int) { self.hardwareConcurrency = hardwareConcurrency }
    }

    /// `Emulation.setAutomationOverride`: `navigator.webdriver` of this page, whatever the launch switches say.
    public struct SetAutomationOverride: CDPCommand {
        public static let method = "Emulation.setAutomationOverride"
        public typealias Response = CDPEmptyResponse
        public var enabled: Bool
        public init(enabled: Bool) { self.enabled = enabled }
    }
}
