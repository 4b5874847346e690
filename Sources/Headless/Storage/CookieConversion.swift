public import RenderTypes

extension Cookie {
    /// The cookie as Chromium reports it: `expires` -1 (session) becomes nil; the domain is kept as is
    /// (a leading dot marks a domain cookie, none a host-only cookie).
    public init(cdp: CDP.Network.Cookie) {
        self.init(
            name: cdp.name, value: cdp.value, domain: cdp.domain, path: cdp.path,
            expires: cdp.session || cdp.expires < 0 ? nil : cdp.expires,
            secure: cdp.secure, httpOnly: cdp.httpOnly, sameSite: cdp.sameSite.flatMap(SameSite.init(rawValue:))
        )
    }

    /// The parameter that recreates this cookie: a domain cookie (leading dot) by `domain`, a host-only
    /// cookie by a URL of its host, so the distinction survives a round trip.
    public var cdpParam: CDP.Network.CookieParam {
        let hostOnly = !domain.hasPrefix(".")
        let scheme = secure ? "https" : "http"
        let host = domain.contains(":") && !domain.hasPrefix("[") ? "[\(domain)]" : domain
        return CDP.Network.CookieParam(
            name: name, value: value, url: hostOnly ? "\(scheme)://\(host)\(path)" : nil,
            domain: hostOnly ? nil : domain, path: path, secure: secure, httpOnly: httpOnly,
            sameSite: sameSite?.rawValue, expires: expires
        )
    }
}
