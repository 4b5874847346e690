/// A consistent desktop a stealthy page pretends to run on: operating system, user agent shape,
/// `navigator.platform`, client-hint platform, GPU (WebGL vendor and renderer), cores, memory and
/// screen. Values are what real Chrome on such machines reports.
struct StealthPersona: Sendable, Hashable {
    enum OS: String, Sendable, Hashable { case windows, macOS, linux }

    var os: OS
    /// `navigator.platform`.
    var platform: String
    /// `navigator.userAgentData.platform`.
    var uaPlatform: String
    var platformVersion: String
    var architecture: String
    /// The part of the user agent inside the first parentheses.
    var uaSystem: String
    var gpus: [(vendor: String, renderer: String)]
    var cores: [Int]
    var memoryGiB: [Double]
    var screens: [(width: Int, height: Int)]
    /// What the system's taskbar, dock or panel takes from the screen.
    var taskbar: StealthProfile.Taskbar

    static func == (a: Self, b: Self) -> Bool { a.os == b.os && a.uaSystem == b.uaSystem }
    func hash(into hasher: inout Hasher) {
        hasher.combine(os)
        hasher.combine(uaSystem)
    }

    /// The user agent of Chrome `version` on this system (Chrome's reduced form: `Chrome/156.0.0.0`).
    func userAgent(_ version: ChromeVersion) -> String {
        "Mozilla/5.0 (\(uaSystem)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/\(version.reduced) Safari/537.36"
    }

    static let windows = StealthPersona(
        os: .windows, platform: "Win32", uaPlatform: "Windows", platformVersion: "15.0.0", architecture: "x86",
        uaSystem: "Windows NT 10.0; Win64; x64",
        gpus: [
            ("Google Inc. (NVIDIA)", "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)"),
            ("Google Inc. (Intel)", "ANGLE (Intel, Intel(R) UHD Graphics 630 (0x00003E92) Direct3D11 vs_5_0 ps_5_0, D3D11)"),
            ("Google Inc. (AMD)", "ANGLE (AMD, AMD Radeon RX 6600 (0x000073FF) Direct3D11 vs_5_0 ps_5_0, D3D11)"),
        ],
        cores: [4, 8, 12, 16], memoryGiB: [8], screens: [(1920, 1080), (2560, 1440), (1366, 768), (1536, 864)],
        taskbar: StealthProfile.Taskbar(height: 48, top: 0)
    )

    static let macOS = StealthPersona(
        os: .macOS, platform: "MacIntel", uaPlatform: "macOS", platformVersion: "14.5.0", architecture: "arm",
        uaSystem: "Macintosh; Intel Mac OS X 10_15_7",
        gpus: [
            ("Google Inc. (Apple)", "ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)"),
            ("Google Inc. (Apple)", "ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)"),
        ],
        cores: [8, 10, 12], memoryGiB: [8], screens: [(1440, 900), (1512, 982), (1728, 1117), (1920, 1080)],
        taskbar: StealthProfile.Taskbar(height: 25, top: 25)
    )

    static let linux = StealthPersona(
        os: .linux, platform: "Linux x86_64", uaPlatform: "Linux", platformVersion: "6.5.0", architecture: "x86",
        uaSystem: "X11; Linux x86_64",
        gpus: [
            ("Google Inc. (Intel)", "ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)"),
            ("Google Inc. (AMD)", "ANGLE (AMD, AMD Radeon RX 580 Series (radeonsi, polaris10, LLVM 15.0.7, DRM 3.49, 6.5.0), OpenGL 4.6)"),
        ],
        cores: [4, 8, 12, 16], memoryGiB: [8], screens: [(1920, 1080), (2560, 1440), (1600, 900)],
        taskbar: StealthProfile.Taskbar(height: 32, top: 32)
    )

    static let all: [StealthPersona] = [windows, windows, macOS, linux]

    /// The persona whose `navigator.platform` or user agent names `platform` (Win32, MacIntel, Linux …).
    static func matching(platform: String) -> StealthPersona? {
        let p = platform.lowercased()
        if p.hasPrefix("win") { return windows }
        if p.hasPrefix("mac") { return macOS }
        if p.hasPrefix("linux") || p.hasPrefix("x11") { return linux }
        return nil
    }

    /// The persona a user agent string describes, if it names a known system.
    static func matching(userAgent: String) -> StealthPersona? {
        if userAgent.contains("Windows") { return windows }
        if userAgent.contains("Macintosh") || userAgent.contains("Mac OS X") { return macOS }
        if userAgent.contains("Linux") || userAgent.contains("X11") { return linux }
        return nil
    }
}
