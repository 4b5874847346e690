package import Egress
package import Headless

/// Runs a real pool for one test: `run()` in a child task, the body, then a graceful shutdown that
/// must finish before the helper returns (so every browser of the pool is closed).
package enum TestPools {
    /// What the tests' browsers may reach: loopback, where the fixture site and every test server
    /// listen (127.0.0.2 and so on included); nothing else.
    package static let loopbackEgress = EgressPolicy(allowed: [IPNetwork("127.0.0.0/8")!])

    /// A small pool: one browser, `contextsPerBrowser` leases at once, one prewarmed context, no
    /// background checks; temporary profiles under `tmp` so leftovers can be found; `egress` may
    /// reach loopback only.
    package static func config(
        tmp: String, contextsPerBrowser: Int = 2, egress: EgressPolicy? = loopbackEgress
    ) -> BrowserPoolConfig {
        BrowserPoolConfig(
            minPoolSize: 1, maxPoolSize: 1, initialPoolSize: 1, contextsPerBrowser: contextsPerBrowser,
            prewarmContexts: 1, healthCheckInterval: .seconds(3600), restartBackoff: .milliseconds(50),
            launch: LaunchOptions(temporaryDirectory: tmp), egress: egress)
    }

    /// Runs `body` with a running pool of `config`, then shuts the pool down and waits for it.
    package static func with<T: Sendable>(
        _ config: BrowserPoolConfig,
        clock: any PoolClock = SystemPoolClock(),
        resolver: any HostResolver = StaticHostResolver.loopbackOnly(),
        _ body: (BrowserPool) async throws -> T
    ) async throws -> T {
        let pool = BrowserPool(config: config, clock: clock, resolver: resolver, logger: testLogger())
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            do {
                let result = try await body(pool)
                pool.requestShutdown()
                try await group.waitForAll()
                return result
            } catch {
                pool.requestShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
