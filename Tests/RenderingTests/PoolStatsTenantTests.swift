import Rendering
import RenderTypes
import SessionContext
import Testing

/// `pool.stats` as a tenant sees it: its own profile browsers, by name; nobody else's.
@Suite struct PoolStatsTenantTests {
    static let stats = BrowserPoolStats(
        contextsLeased: 3,
        profileBrowsers: [
            .init(profile: "shop", pid: 10), .init(profile: "@acme/shop", pid: 11), .init(profile: "@acme/blog", pid: 12),
            .init(profile: "@acme-eu/shop", pid: 13),
        ])

    @Test func aTenantSeesOnlyItsOwnProfileBrowsersByName() {
        let acme = Self.stats.seen(by: TenantID("acme")!)
        #expect(acme.profileBrowsers.map(\.profile) == ["shop", "blog"])
        #expect(acme.profileBrowsers.map(\.pid) == [11, 12])
        #expect(acme.contextsLeased == 3)
        #expect(Self.stats.seen(by: .default).profileBrowsers.map(\.pid) == [10])
        #expect(Self.stats.seen(by: TenantID("globex")!).profileBrowsers.isEmpty)
    }
}
