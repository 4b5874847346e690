public import RenderTypes
public import SessionContext

extension BrowserPoolStats {
    /// These figures as `tenant` may see them: its own profile browsers only, each by its profile's
    /// name (other tenants' profiles, and which tenants exist, are not shown); the pool's counts stay
    /// the node's.
    public func seen(by tenant: TenantID) -> BrowserPoolStats {
        var stats = self
        stats.profileBrowsers = profileBrowsers.compactMap { browser in
            guard let name = ProfileLocation.profile(atPath: browser.profile, of: tenant) else { return nil }
            var own = browser
            own.profile = name
            return own
        }
        return stats
    }
}

extension ProfileLocation {
    /// The profile name of `path` (as `path(of:tenant:)` makes it) when the path is `tenant`'s; nil else.
    static func profile(atPath relative: String, of tenant: TenantID) -> String? {
        if tenant.isDefault { return relative.hasPrefix("@") ? nil : relative }
        let prefix = Self.path(of: "", tenant: tenant)
        guard relative.hasPrefix(prefix) else { return nil }
        return String(relative.dropFirst(prefix.count))
    }
}
