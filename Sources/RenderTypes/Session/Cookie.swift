/// A browser cookie as sessions store it and the wire carries it (SPEC `Cookie`).
public struct Cookie: Sendable, Hashable, Codable {
    public enum SameSite: String, Sendable, Hashable, Codable, CaseIterable {
        case strict = "Strict"
        case lax = "Lax"
        case none = "None"
    }

    public var name: String
    public var value: String
    public var domain: String
    /// Defaults to `/`.
    public var path: String
    /// Unix seconds; `nil` is a session cookie.
    public var expires: Double?
    public var secure: Bool
    public var httpOnly: Bool
    public var sameSite: SameSite?

    public init(
        name: String, value: String, domain: String, path: String = "/", expires: Double? = nil,
        secure: Bool = false, httpOnly: Bool = false, sameSite: SameSite? = nil
    ) {
        self.name = name
        self.value = value
        self.domain = domain
        self.path = path
        self.expires = expires
        self.secure = secure
        self.httpOnly = httpOnly
        self.sameSite = sameSite
    }

    /// Identity of a cookie in a jar: two cookies with the same key replace each other.
    public struct Key: Sendable, Hashable {
        public var name: String
        public var domain: String
        public var path: String
    }

    public var key: Key { Key(name: name, domain: domain, path: path) }

    /// Whether the cookie has an expiry at or before `unixSeconds`.
    public func isExpired(at unixSeconds: Double) -> Bool {
        guard let expires else { return false }
        return expires <= unixSeconds
    }

    enum CodingKeys: String, CodingKey {
        case name, value, domain, path, expires, secure
        case httpOnly = "http_only"
        case sameSite = "same_site"
    }

    /// Limits that keep one cookie within what browsers accept (RFC 6265 §6.1 suggests 4096 bytes).
    public static let maxNameAndValueBytes = 4096

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        value = try c.decode(String.self, forKey: .value)
        domain = try c.decode(String.self, forKey: .domain)
        path = try c.decodeIfPresent(String.self, forKey: .path) ?? "/"
        expires = try c.decodeIfPresent(Double.self, forKey: .expires)
        secure = try c.decodeIfPresent(Bool.self, forKey: .secure) ?? false
        httpOnly = try c.decodeIfPresent(Bool.self, forKey: .httpOnly) ?? false
        sameSite = try c.decodeIfPresent(SameSite.self, forKey: .sameSite)
        try c.require(!name.isEmpty, .name, "must not be empty")
        try c.require(!name.contains(where: { ";=,\t\r\n ".contains($0) }), .name,
                      "must not contain separators (; = , whitespace)")
        try c.require(!value.contains(where: { ";\r\n".contains($0) }), .value, "must not contain ; or line breaks")
        try c.require(name.utf8.count + value.utf8.count <= Self.maxNameAndValueBytes, .value,
                      "name and value together must be at most \(Self.maxNameAndValueBytes) bytes")
        try c.require(!domain.isEmpty && domain.count <= 253, .domain, "must be a host name of 1 to 253 characters")
        try c.require(path.hasPrefix("/"), .path, "must start with /")
        if let expires { try c.require(expires.isFinite && expires >= 0, .expires, "must be unix seconds ≥ 0") }
        if sameSite == SameSite.none { try c.require(secure, .secure, "must be true when same_site is None") }
    }
}
