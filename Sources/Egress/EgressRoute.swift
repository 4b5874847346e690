/// Where one browser context's traffic goes after the policy: straight to its destination, or
/// through the caller's own proxy (`config.proxy`), except for the hosts its bypass list names.
public struct EgressRoute: Sendable, Hashable {
    /// The caller's proxy; nil: connect to destinations directly.
    public var upstream: UpstreamProxy?
    /// Hosts reached directly even with an upstream (`localhost`, `*.internal`, `.example.com`): the
    /// policy still judges them.
    public var bypass: [String]

    public init(upstream: UpstreamProxy? = nil, bypass: [String] = []) {
        self.upstream = upstream
        self.bypass = bypass.map { $0.lowercased() }
    }

    /// Straight to every destination.
    public static let direct = EgressRoute()

    /// Whether `host` goes around the upstream.
    func bypasses(_ host: String) -> Bool {
        let host = host.lowercased()
        return bypass.contains { rule in
            if rule.hasPrefix("*.") { return host.hasSuffix(rule.dropFirst()) }
            if rule.hasPrefix(".") { return host.hasSuffix(rule) || host == rule.dropFirst() }
            return host == rule
        }
    }
}

/// A caller's proxy, spoken to by the egress proxy itself (so its address is judged by the policy,
/// and its credentials are sent without the browser's help).
public struct UpstreamProxy: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// An HTTP proxy: `CONNECT` for tunnels, absolute-form requests for plain HTTP.
        case http
        /// The same over TLS to the proxy (its certificate checked against `host`).
        case https
        case socks4, socks5
    }

    public var kind: Kind
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    /// Whether the proxy speaks HTTP (plain or over TLS), which takes absolute-form requests.
    var speaksHTTP: Bool { kind == .http || kind == .https }

    public init(kind: Kind, host: String, port: Int, username: String? = nil, password: String? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }
}
