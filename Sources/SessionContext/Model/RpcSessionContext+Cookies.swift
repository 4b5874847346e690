public import RenderTypes

/// The session's cookie jar: a cookie is identified by (name, domain, path), as browsers do.
extension RpcSessionContext {
    /// Adds each cookie, replacing one with the same name, domain and path; returns how many were given.
    @discardableResult
    public mutating func setCookies(_ newCookies: [Cookie]) -> Int {
        for cookie in newCookies {
            if let index = cookies.firstIndex(where: { $0.key == cookie.key }) {
                cookies[index] = cookie
            } else {
                cookies.append(cookie)
            }
        }
        return newCookies.count
    }

    /// The cookies a request to `domain` would carry (domain-match of RFC 6265 §5.1.3), optionally
    /// only those named `name`; all cookies when both are nil.
    public func cookies(domain: String? = nil, name: String? = nil) -> [Cookie] {
        cookies.filter { cookie in
            (name == nil || cookie.name == name) && (domain.map { Self.domainMatches(host: $0, cookieDomain: cookie.domain) } ?? true)
        }
    }

    /// Removes the cookies with this name on exactly this domain (and path, when given); returns
    /// whether any was removed.
    @discardableResult
    public mutating func deleteCookie(domain: String, name: String, path: String? = nil) -> Bool {
        let before = cookies.count
        let domain = Self.normalized(domain)
        cookies.removeAll { $0.name == name && Self.normalized($0.domain) == domain && (path == nil || $0.path == path) }
        return cookies.count != before
    }

    /// Applies what a request did to the jar it started from (`before` → `after`: cookies it added,
    /// changed or removed, by name, domain and path) to the jar as it is now, keeping whatever else
    /// changed meanwhile (a `cookies.*` call during the request): a changed cookie replaces its
    /// namesake in place, a new one is appended, a removed one goes.
    public mutating func applyCookieChanges(from before: [Cookie], to after: [Cookie]) {
        let started = Dictionary(before.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
        let ended = Set(after.map(\.key))
        let removed = Set(started.keys).subtracting(ended)
        cookies.removeAll { removed.contains($0.key) }
        setCookies(after.filter { started[$0.key] != $0 })
    }

    /// Empties the jar; returns how many cookies it held.
    @discardableResult
    public mutating func clearCookies() -> Int {
        defer { cookies.removeAll() }
        return cookies.count
    }

    /// Whether a request to `host` carries a cookie set for `cookieDomain` (leading dots ignored).
    static func domainMatches(host: String, cookieDomain: String) -> Bool {
        let host = normalized(host)
        let domain = normalized(cookieDomain)
        return host == domain || host.hasSuffix("." + domain)
    }

    private static func normalized(_ domain: String) -> String {
        (domain.hasPrefix(".") ? String(domain.dropFirst()) : domain).lowercased()
    }
}
