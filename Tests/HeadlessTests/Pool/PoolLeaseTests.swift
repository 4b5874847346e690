import Egress
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    /// What a lease is: an isolated, ready page that is disposed afterwards whatever happens.
    @Suite struct PoolLeaseTests {
        struct BodyFailed: Error {}

        /// Temporary profiles of this test's pool live here, so leftovers can be found; removed after.
        private let scratch = try! TemporaryDirectory()
        private var tmp: String { scratch.path }

        /// The browser contexts that exist in the lease's browser.
        private func contexts(via lease: Lease) async throws -> [String] {
            try await lease.connection.send(CDP.Target.GetBrowserContexts()).browserContextIds
        }

        @Test func hotLeaseHandsOutAPrewarmedAttachedEnabledPage() async throws {
            try await TestPools.with(TestPools.config(tmp: tmp)) { pool in
                try await TestPools.waitUntil(pool, "a prewarmed context") { $0.contextsIdle >= 1 }
                try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                    #expect(lease.wasPrewarmed)
                    let loaded = lease.page.events(methods: ["Page.loadEventFired"])
                    _ = try await lease.page.send(CDP.Page.Navigate(url: "data:text/html,<title>leased</title>"))
                    #expect(await loaded.first(method: "Page.loadEventFired") != nil)
                    let title = try await lease.page.send(CDP.Runtime.Evaluate(expression: "document.title"))
                    #expect(title.result.value == "leased")
                }
                let stats = pool.stats()
                #expect(stats.hotLeases == 1)
                #expect(stats.leasesServed == 1)
            }
        }

        @Test func leasedPagesHaveTheConfiguredWindowSize() async throws {
            var config = TestPools.config(tmp: tmp)
            config.windowSize = WindowSize(width: 1280, height: 720)
            try await TestPools.with(config) { pool in
                for _ in 0..<2 {
                    try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                        let size = try await lease.page.send(
                            CDP.Runtime.Evaluate(expression: "[outerWidth, outerHeight, innerWidth, innerHeight]"))
                        #expect(size.result.value == [1280, 720, 1280, 720])
                    }
                }
            }
        }

        @Test func twoLeasesNeverShareCookies() async throws {
            try await TestPools.with(TestPools.config(tmp: tmp)) { pool in
                let cookie: JSONValue = [
                    "name": "sid", "value": "secret", "domain": "example.test", "path": "/",
                ]
                let gate = Gate()
                // A sets a cookie and holds its lease while B, running at the same time, looks.
                async let first: Void = pool.withLease(deadline: TestPools.farDeadline()) { lease in
                    _ = try await lease.connection.send(
                        method: "Storage.setCookies",
                        params: ["cookies": [cookie], "browserContextId": .string(lease.browserContextId)])
                    let own = try await lease.connection.send(
                        method: "Storage.getCookies", params: ["browserContextId": .string(lease.browserContextId)])
                    #expect(own["cookies"]?.arrayValue?.count == 1)
                    await gate.wait()
                }
                try await TestPools.waitUntil(pool, "lease A") { $0.contextsLeased == 1 }
                try await Task.sleep(for: .milliseconds(100))
                let concurrent = try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                    try await lease.connection.send(
                        method: "Storage.getCookies", params: ["browserContextId": .string(lease.browserContextId)])
                }
                gate.open()
                try await first
                let later = try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                    try await lease.connection.send(
                        method: "Storage.getCookies", params: ["browserContextId": .string(lease.browserContextId)])
                }
                #expect(concurrent["cookies"] == [])
                #expect(later["cookies"] == [])
            }
        }

        @Test func contextIsDisposedWhenTheBodyThrows() async throws {
            try await TestPools.with(TestPools.config(tmp: tmp)) { pool in
                let recorder = Recorder<String>()
                await #expect(throws: BodyFailed.self) {
                    try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                        recorder.append(lease.browserContextId)
                        throw BodyFailed()
                    }
                }
                let thrownContext = try #require(recorder.all.first)
                try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                    #expect(lease.browserContextId != thrownContext)
                    try await eventually("context \(thrownContext) disposed") {
                        try await !contexts(via: lease).contains(thrownContext)
                    }
                }
            }
        }

        @Test func contextIsDisposedWhenTheCallerIsCancelled() async throws {
            try await TestPools.with(TestPools.config(tmp: tmp)) { pool in
                let recorder = Recorder<String>()
                let caller = Task {
                    try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                        recorder.append(lease.browserContextId)
                        try await Task.sleep(for: .seconds(60))
                    }
                }
                try await eventually("the body running") { !recorder.all.isEmpty }
                caller.cancel()
                await #expect(throws: CancellationError.self) { try await caller.value }
                let cancelledContext = try #require(recorder.all.first)
                #expect(pool.stats().contextsLeased == 0)
                try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                    try await eventually("context \(cancelledContext) disposed") {
                        try await !contexts(via: lease).contains(cancelledContext)
                    }
                }
            }
        }

        @Test func leaseWithAProxyGetsAFreshContextThatUsesTheProxy() async throws {
            try await TestPools.with(TestPools.config(tmp: tmp)) { pool in
                try await TestPools.waitUntil(pool, "a prewarmed context") { $0.contextsIdle >= 1 }
                // Nothing listens on port 9: every request through this proxy fails as a proxy error. The
                // context's egress gate speaks to the caller's proxy and records why it failed.
                let options = LeaseOptions(proxy: ProxyConfig(server: "http://127.0.0.1:9"))
                let failures = try await pool.withLease(deadline: TestPools.farDeadline(), options: options) { lease in
                    #expect(!lease.wasPrewarmed)
                    #expect(lease.options.proxy?.server == "http://127.0.0.1:9")
                    let navigation = try await lease.page.send(CDP.Page.Navigate(url: "http://tidepool-fixture.invalid/"))
                    #expect(navigation.errorText != nil)
                    return lease.egress?.failures() ?? []
                }
                #expect(failures.map(\.netError) == ["net::ERR_PROXY_CONNECTION_FAILED"], "\(failures)")
                #expect(failures.first?.description.contains("127.0.0.1:9") == true)
                let plain = try await pool.withLease(deadline: TestPools.farDeadline()) { lease in
                    let navigation = try await lease.page.send(CDP.Page.Navigate(url: "http://tidepool-fixture.invalid/"))
                    #expect(navigation.errorText != nil)
                    return lease.egress?.failures() ?? []
                }
                #expect(plain.map(\.netError) == ["net::ERR_NAME_NOT_RESOLVED"], "straight to the destination, not the proxy")
            }
        }

        @Test func statsReportRealRSSAndPSSPerBrowser() async throws {
            try await TestPools.with(TestPools.config(tmp: tmp)) { pool in
                let stats = try await TestPools.waitUntil(pool, "a ready browser") { $0.readyBrowsers == 1 }
                let browser = try #require(stats.browsers.first)
                #expect((browser.rssBytes ?? 0) > 10 << 20)
                #expect((browser.pssBytes ?? 0) > 10 << 20)
                #expect((browser.pssBytes ?? 0) <= (browser.rssBytes ?? 0))
                #expect((browser.processes ?? 0) >= 2)
                #expect(stats.capacity == 2)
                let encoded = try JSONValue(encoding: stats)
                #expect(encoded["contexts_leased"] == 0)
                #expect(encoded["browsers"]?.arrayValue?.first?["pss_bytes"]?.intValue == browser.pssBytes)
            }
        }
    }
}
