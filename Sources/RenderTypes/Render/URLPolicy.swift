import Foundation

/// Which URLs a render may load (SPEC: http, https and about:blank only). Checked before anything is
/// leased, and again for every `navigate` action.
public enum URLPolicy {
    public struct Violation: Error, Sendable, Hashable, CustomStringConvertible {
        public var url: String
        public var reason: String
        public var description: String { "\(url): \(reason)" }
    }

    /// Returns why `url` may not be rendered, or nil when it may.
    public static func check(_ url: String) -> Violation? {
        func refuse(_ reason: String) -> Violation { Violation(url: url, reason: reason) }
        if url == "about:blank" { return nil }
        guard url.utf8.count <= RenderLimits.maxURLLength else {
            return refuse("longer than \(RenderLimits.maxURLLength) bytes")
        }
        guard !url.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            return refuse("contains whitespace")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            return refuse("not an absolute URL")
        }
        guard scheme == "http" || scheme == "https" else {
            return refuse("scheme \"\(scheme)\" is not allowed; use http, https or about:blank")
        }
        guard let host = components.host, !host.isEmpty else { return refuse("has no host") }
        guard components.user == nil, components.password == nil else {
            return refuse("URLs with credentials are not allowed; send credentials as headers or cookies")
        }
        return nil
    }
}
