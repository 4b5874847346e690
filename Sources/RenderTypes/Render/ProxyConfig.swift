import Foundation

/// A proxy for one render's own browser context, never shared with other callers (SPEC `proxy`).
public struct ProxyConfig: Sendable, Hashable {
    /// `scheme://host:port` with scheme http, https, socks4 or socks5.
    public var server: String
    public var username: String?
    public var password: String?
    /// Hosts that bypass the proxy, comma-separated (`localhost,*.internal`).
    public var bypass: String?

    public init(server: String, username: String? = nil, password: String? = nil, bypass: String? = nil) {
        self.server = server
        self.username = username
        self.password = password
        self.bypass = bypass
    }

    public static let allowedSchemes: Set<String> = ["http", "https", "socks4", "socks5"]

    /// Why `server` is not a usable proxy address, or nil when it is.
    public static func problem(with server: String) -> String? {
        guard let schemeEnd = server.range(of: "://") else { return "must look like scheme://host:port" }
        let scheme = server[..<schemeEnd.lowerBound].lowercased()
        guard allowedSchemes.contains(scheme) else { return "scheme must be http, https, socks4 or socks5" }
        let rest = server[schemeEnd.upperBound...]
        guard let colon = rest.lastIndex(of: ":"), !rest[..<colon].isEmpty,
              let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port)
        else { return "must name a host and a port 1-65535" }
        guard !rest.contains("@"), !rest.contains("/") else { return "must not carry credentials or a path" }
        return nil
    }
}

extension ProxyConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case server, username, password, bypass
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        server = try c.decode(String.self, forKey: .server, length: 1...2048)
        if let problem = Self.problem(with: server) { try c.require(false, .server, problem) }
        username = try c.decodeIfPresent(String.self, forKey: .username, length: 1...1024)
        password = try c.decodeIfPresent(String.self, forKey: .password, length: 0...1024)
        try c.require((username == nil) == (password == nil), username == nil ? .username : .password,
                      "username and password go together")
        bypass = try c.decodeIfPresent(String.self, forKey: .bypass, length: 0...4096)
    }
}
