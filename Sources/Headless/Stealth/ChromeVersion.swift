import Foundation
import FoundationEssentials

/// The Chrome version a browser reports, and the client-hint brand list real Chrome of that version
/// sends (Chromium's "GREASE" algorithm: a fake brand whose spelling, version and position derive
/// from the major version).
struct ChromeVersion: Sendable, Hashable {
    var major: Int
    /// `156.0.8078.79`.
    var full: String

    /// Reads `Chrome/156.0.8078.79` (or `HeadlessChrome/…`) out of a user agent.
    init?(userAgent: String) {
        guard let range = userAgent.range(of: #"Chrome/(\d+)(\.\d+){0,3}"#, options: .regularExpression) else {
            return nil
        }
        let version = userAgent[range].dropFirst("Chrome/".count)
        guard let major = Int(version.prefix { $0.isNumber }) else { return nil }
        self.major = major
        self.full = version.split(separator: ".").count == 4 ? String(version) : "\(major).0.0.0"
    }

    init(major: Int, full: String) {
        self.major = major
        self.full = full
    }

    /// The reduced user-agent version (`156.0.0.0`), as Chrome puts it in the UA string.
    var reduced: String { "\(major).0.0.0" }

    /// `[GREASE, Chromium, Google Chrome]` in Chrome's order for this major version; with `full`,
    /// full versions (`fullVersionList`).
    func brands(full useFull: Bool) -> [CDP.Emulation.BrandVersion] {
        let greaseChars = [" ", "(", ":", "-", ".", "/", ")", ";", "=", "?", "_"]
        let greaseVersions = ["8", "99", "24"]
        let greaseBrand = "Not" + greaseChars[major % greaseChars.count] + "A"
            + greaseChars[(major + 1) % greaseChars.count] + "Brand"
        let greaseVersion = greaseVersions[major % greaseVersions.count]
        let version = useFull ? full : String(major)
        let list = [
            CDP.Emulation.BrandVersion(brand: greaseBrand, version: useFull ? greaseVersion + ".0.0.0" : greaseVersion),
            CDP.Emulation.BrandVersion(brand: "Chromium", version: version),
            CDP.Emulation.BrandVersion(brand: "Google Chrome", version: version),
        ]
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
        return orders[major % orders.count].map { list[$0] }
    }
}
