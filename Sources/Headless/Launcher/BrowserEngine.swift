/// Which Chromium build runs the pages (SPEC *Running*).
public enum BrowserEngine: String, Sendable, CaseIterable, Codable {
    /// Debian's `chromium-headless-shell`: the default; fastest start, cheapest contexts, least memory.
    case headlessShell = "headless-shell"
    /// Debian's `chromium` with `--headless=new`: the full browser, harder to fingerprint.
    case chromium

    /// The real binary Debian installs (the /usr/bin names are shell wrappers that do not `exec`).
    public var installedBinary: String {
        switch self {
        case .headlessShell: "/usr/lib/chromium/chromium-headless-shell"
        case .chromium: "/usr/lib/chromium/chromium"
        }
    }

    /// Command names looked up on PATH when the installed binary is missing.
    public var pathCommands: [String] {
        switch self {
        case .headlessShell: ["chromium-headless-shell"]
        case .chromium: ["chromium", "chromium-browser", "google-chrome"]
        }
    }

    /// The Debian package that provides the engine.
    public var aptPackage: String {
        switch self {
        case .headlessShell: "chromium-headless-shell"
        case .chromium: "chromium"
        }
    }

    /// Flags only this engine needs (CHROMIUM.md: the omnibox popup flag halves chromium's
    /// per-context cost; no startup window saves a renderer).
    var engineFlags: [String] {
        switch self {
        case .headlessShell:
            []
        case .chromium:
            ["--headless=new", "--no-startup-window", "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup"]
        }
    }
}
