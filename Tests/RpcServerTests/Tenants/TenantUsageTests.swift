import FixtureServer
import Foundation
import Headless
import NIOHTTP1
import Rendering
import RenderTypes
import RpcServer
import SessionContext
import Testing
import TestSupport

/// A tenants file of acme and globex (one key each) with `limits` for each (by tenant id).
func writeTenants(_ two: TwoTenants, limits: [String: JSONValue]) throws {
    let tenants: [JSONValue] = [("acme", two.acme), ("globex", two.globex)].map { tenant, key in
        [
            "id": .string(tenant), "keys_sha256": [.string(TenantKey.hexDigest(of: key))],
            "limits": limits[tenant] ?? [:],
        ]
    }
    try JSONValue.object(["tenants": .array(tenants)]).jsonString().write(toFile: two.file, atomically: true, encoding: .utf8)
}

extension BrowserSuites {
    /// Usage metering and tenant limits through HTTP, in real Chromium against the fixture site: each
    /// result's `usage`, `usage.get` as their sum, every limit refusing with its code and data before
    /// anything is leased (the fixture site never hears of a refused call), exact under concurrency.
    @Suite struct TenantUsageTests {
        /// 2026-01-01T00:00:00Z: a whole minute, day and month, frozen (no period ends mid-test).
        static let start = Date(timeIntervalSince1970: 1_767_225_600)

        /// Runs `body` with a render server whose tenants file gives acme `acmeLimits` (globex none),
        /// on a frozen clock.
        func withServer(
            acme acmeLimits: JSONValue = [:], contexts: Int = 4,
            _ body: (RenderServer, KeyedCaller, KeyedCaller, TwoTenants, ManualWallClock) async throws -> Void
        ) async throws {
            try await TestTenants.withTwo { two in
                try writeTenants(two, limits: ["acme": acmeLimits])
                let clock = ManualWallClock(start: Self.start)
                try await RenderServer.with(
                    http: HTTPConfiguration(port: 0, tenantsFile: two.file), pool: { $0.contextsPerBrowser = contexts }, clock: clock
                ) { c in
                    try await body(c, KeyedCaller(c.server, key: two.acme), KeyedCaller(c.server, key: two.globex), two, clock)
                }
            }
        }

        func render(_ c: RenderServer, _ caller: KeyedCaller, _ path: String, _ params: [String: JSONValue] = [:]) async throws
            -> JSONValue
        {
            var all = params
            all["url"] = .string(c.url(path))
            return try await caller.call("render", .object(all))
        }

        func usage(_ caller: KeyedCaller, _ params: JSONValue) async throws -> JSONValue {
            try #require(try await caller.result("usage.get", params)["usage"])
        }

        static func figures(_ usage: JSONValue?) -> UsageFigures {
            UsageFigures(
                browserMs: usage?["browser_ms"]?.intValue ?? -1, bytesIn: usage?["bytes_in"]?.intValue ?? -1,
                bytesOut: usage?["bytes_out"]?.intValue ?? -1, renders: usage?["renders"]?.intValue ?? -1)
        }

        /// The value of the /metrics line naming `name` with every one of `labels`.
        static func metric(_ c: RenderServer, _ name: String, _ labels: [String]) -> Double? {
            let text = String(decoding: c.server.metrics.exposition(), as: UTF8.self)
            let line = text.split(separator: "\n").first { line in
                (line.hasPrefix(name + "{") || line.hasPrefix(name + " ")) && labels.allSatisfy { line.contains($0) }
            }
            return line?.split(separator: " ").last.flatMap { Double($0) }
        }

        // MARK: Metering

        @Test func everyResultsUsageSumsToUsageGetAndMatchesTheFixtureSitesBytes() async throws {
            try await withServer { c, acme, globex, _, _ in
                c.site.counter.reset()
                let first = try #require(try await render(c, acme, "/static.html")["result"])
                let served = c.site.counter.bodyBytes
                let requests = c.site.counter.total
                let one = Self.figures(first["usage"])
                #expect(one.renders == 1)
                #expect(one.browserMs > 0)
                // What the fixture site sent for the render: its bodies plus, per response, headers.
                let staticPage = try FileManager.default.attributesOfItem(
                    atPath: FixtureServer.siteDirectory + "/static.html")[.size] as? Int ?? 0
                #expect(staticPage > 1000)
                #expect(one.bytesIn >= staticPage, "the document at least")
                #expect(served.unknownLengths == 0)
                #expect(one.bytesIn <= served.known + requests * 1024, "\(one) against \(served) in \(requests) requests")
                #expect(one.bytesOut > c.url("/static.html").utf8.count)
                #expect(one.bytesOut <= requests * 4096)

                var results = [first]
                results.append(try #require(try await render(c, acme, "/scripts.html")["result"]))
                results.append(try #require(try await render(c, acme, "/login.html")["result"]))
                let inSession = try #require(try await render(c, acme, "/static.html", ["session_id": "metered"])["result"])
                results.append(inSession)
                let sum = results.map { Self.figures($0["usage"]) }.reduce(UsageFigures(), +)
                #expect(sum.renders == 4)
                for period in ["minute", "day", "month"] {
                    #expect(Self.figures(try await usage(acme, ["period": .string(period)])) == sum, "\(period)")
                }
                #expect(Self.figures(try await usage(acme, [:])) == sum, "day by default")
                let day = try await acme.result("usage.get", ["period": "day"])
                #expect(day["tenant"] == "acme")
                #expect(day["start"] == "2026-01-01T00:00:00.000Z")
                #expect(day["resets_at"] == "2026-01-02T00:00:00.000Z")
                #expect(try await acme.result("usage.get", ["period": "month"])["resets_at"] == "2026-02-01T00:00:00.000Z")
                #expect(Self.figures(try await usage(acme, ["session_id": "metered"])) == Self.figures(inSession["usage"]))
                // Another tenant: nothing spent, and acme's session does not exist for it.
                #expect(Self.figures(try await usage(globex, ["period": "day"])) == UsageFigures())
                let hidden = try await globex.error("usage.get", ["session_id": "metered"])
                #expect(hidden["code"] == -32001)
                #expect(hidden["data"]?["session_id"] == "metered")
                // /metrics counts per tenant.
                #expect(Self.metric(c, "tidepool_tenant_renders_total", [#"tenant="acme""#]) == 4)
                let seconds = try #require(Self.metric(c, "tidepool_tenant_browser_seconds_total", [#"tenant="acme""#]))
                #expect(abs(seconds - Double(sum.browserMs) / 1000) < 0.01)
                #expect(Self.metric(c, "tidepool_tenant_bytes_total", [#"tenant="acme""#, #"direction="in""#]) == Double(sum.bytesIn))
                #expect(Self.metric(c, "tidepool_tenant_bytes_total", [#"tenant="acme""#, #"direction="out""#]) == Double(sum.bytesOut))
            }
        }

        @Test func aFailedRenderCountsItsBrowserTimeOnce() async throws {
            try await withServer { c, acme, _, _, _ in
                let failed = try await render(
                    c, acme, "/static.html",
                    ["config": ["timeout_ms": 1500, "wait_for": ["type": "selector", "selector": "#never"]]])
                #expect(failed["error"]?["code"] == -32004)
                let after = Self.figures(try await usage(acme, ["period": "day"]))
                #expect(after.renders == 1)
                #expect(after.browserMs > 0)
                #expect(after.bytesIn > 0)
                // Nothing counted late, nothing twice.
                let ok = try #require(try await render(c, acme, "/static.html")["result"])
                #expect(Self.figures(try await usage(acme, ["period": "day"])) == after + Self.figures(ok["usage"]))
            }
        }

        @Test func badParamsOfUsageGetAreRefusedNamingTheField() async throws {
            try await withServer { c, acme, _, _, _ in
                let cases: [(JSONValue, String)] = [
                    (["period": "week"], "period"), (["period": 3], "period"), (["session_id": "a b"], "session_id"),
                    (["session_id": "x", "period": "day"], "period"), (["tenant": "globex"], "tenant"),
                ]
                _ = try await acme.result("session.create", ["session_id": "x"])
                for (params, field) in cases {
                    let error = try await acme.error("usage.get", params)
                    #expect(error["code"] == -32602, "\(params.jsonString())")
                    #expect(error["data"]?["field"] == .string(field), "\(params.jsonString()): \(error.jsonString())")
                }
                #expect(try await acme.error("usage.get", ["session_id": "nobody"])["code"] == -32001)
                #expect(Self.figures(try await usage(acme, ["session_id": "x"])) == UsageFigures())
                #expect(c.site.counter.total == 0)
            }
        }

        // MARK: Limits

        @Test func concurrentRendersOverTheLimitAreRefusedWithRetryAfterAndNothingLeased() async throws {
            try await withServer(acme: ["concurrent_renders": 1]) { c, acme, globex, _, _ in
                let ledger = c.server.server.sessions.usage
                let slowPage: JSONValue = ["url": .string(c.url("/slow")), "config": ["timeout_ms": 20_000]]
                async let slow = acme.call("render", slowPage)
                try await eventually("acme's first render runs") { ledger.running(TenantID("acme")!) == 1 }
                let leasesBefore = c.pool.stats().leasesServed
                let refused = try #require(try await render(c, acme, "/static.html")["error"])
                #expect(refused["code"] == -32006)
                #expect(refused["data"]?["scope"] == "concurrent_renders")
                #expect(refused["data"]?["limit"] == 1)
                #expect((refused["data"]?["retry_after_ms"]?.intValue ?? 0) > 0)
                #expect(refused["data"]?["queue_length"] == 0)
                #expect(c.site.counter.count(path: "/static.html") == 0)
                #expect(c.pool.stats().leasesServed == leasesBefore)
                // Another tenant is not held back.
                #expect(try await render(c, globex, "/static.html")["result"] != nil)
                #expect(try await slow["result"] != nil)
                #expect(try await render(c, acme, "/static.html")["result"] != nil)
                #expect(Self.metric(c, "tidepool_tenant_refusals_total", [#"tenant="acme""#, #"reason="concurrent_renders""#]) == 1)
                #expect(Self.figures(try await usage(acme, ["period": "day"])).renders == 2)
            }
        }

        @Test func rendersPerMinuteRefusesUntilTheMinuteEnds() async throws {
            try await withServer(acme: ["renders_per_minute": 2]) { c, acme, _, _, clock in
                clock.advance(by: 15)
                for _ in 0..<2 { #expect(try await render(c, acme, "/static.html")["result"] != nil) }
                let refused = try #require(try await render(c, acme, "/scripts.html")["error"])
                #expect(refused["code"] == -32006)
                #expect(refused["data"]?["scope"] == "renders_per_minute")
                #expect(refused["data"]?["limit"] == 2)
                #expect(refused["data"]?["retry_after_ms"] == 45_000)
                #expect(c.site.counter.count(path: "/scripts.html") == 0)
                clock.advance(by: 45)
                #expect(try await render(c, acme, "/scripts.html")["result"] != nil)
                #expect(Self.figures(try await usage(acme, ["period": "minute"])).renders == 1)
                #expect(Self.figures(try await usage(acme, ["period": "day"])).renders == 3)
            }
        }

        @Test func fortyConcurrentRendersAgainstABudgetOfSevenRunExactlySeven() async throws {
            try await withServer(acme: ["renders_per_day": 7]) { c, acme, _, _, _ in
                let page: JSONValue = ["url": .string(c.url("/static.html"))]
                let responses = try await withThrowingTaskGroup(of: JSONValue.self) { group in
                    for _ in 0..<40 { group.addTask { try await acme.call("render", page) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let results = responses.compactMap { $0["result"] }
                let errors = responses.compactMap { $0["error"] }
                #expect(results.count == 7)
                #expect(errors.count == 33)
                for error in errors {
                    #expect(error["code"] == -32007)
                    #expect(error["data"] == ["scope": "renders_per_day", "limit": 7, "used": 7, "resets_at": "2026-01-02T00:00:00.000Z"])
                }
                #expect(c.site.counter.count(path: "/static.html") == 7, "a refused call loads nothing")
                let day = Self.figures(try await usage(acme, ["period": "day"]))
                #expect(day == results.map { Self.figures($0["usage"]) }.reduce(UsageFigures(), +))
                #expect(day.renders == 7)
                #expect(Self.metric(c, "tidepool_tenant_refusals_total", [#"tenant="acme""#, #"reason="renders_per_day""#]) == 33)
            }
        }

        @Test func aBrowserTimeBudgetHitMidRenderLetsItFinishAndRefusesTheNext() async throws {
            try await withServer(acme: ["browser_seconds_per_day": 1]) { c, acme, _, _, _ in
                let long = try await render(c, acme, "/slow?ms=1300", ["config": ["timeout_ms": 20_000]])
                let spent = Self.figures(long["result"]?["usage"])
                #expect(spent.browserMs >= 1300)
                let refused = try #require(try await render(c, acme, "/scripts.html")["error"])
                #expect(refused["code"] == -32007)
                #expect(refused["data"]?["scope"] == "browser_seconds_per_day")
                #expect(refused["data"]?["limit"] == 1)
                #expect(refused["data"]?["used"] == .int(spent.browserMs / 1000))
                #expect(refused["data"]?["resets_at"] == "2026-01-02T00:00:00.000Z")
                #expect(c.site.counter.count(path: "/scripts.html") == 0)
            }
        }

        @Test func aBytesBudgetRefusesOnceUsedUp() async throws {
            try await withServer(acme: ["bytes_per_day": 1]) { c, acme, globex, _, _ in
                let first = Self.figures(try await render(c, acme, "/static.html")["result"]?["usage"])
                let refused = try #require(try await render(c, acme, "/scripts.html")["error"])
                #expect(refused["code"] == -32007)
                #expect(refused["data"]?["scope"] == "bytes_per_day")
                #expect(refused["data"]?["used"] == .int(first.bytesIn + first.bytesOut))
                #expect(c.site.counter.count(path: "/scripts.html") == 0)
                #expect(try await render(c, globex, "/scripts.html")["result"] != nil)
            }
        }

        @Test func maxSessionsRefusesTheNextSessionCreatedOrRendered() async throws {
            try await withServer(acme: ["max_sessions": 2]) { c, acme, globex, _, _ in
                for id in ["a", "b"] { _ = try await acme.result("session.create", ["session_id": .string(id)]) }
                let refused = try await acme.error("session.create", ["session_id": "c"])
                #expect(refused["code"] == -32007)
                #expect(refused["data"] == ["scope": "max_sessions", "limit": 2, "used": 2])
                let byRender = try #require(try await render(c, acme, "/static.html", ["session_id": "d"])["error"])
                #expect(byRender["code"] == -32007)
                #expect(byRender["data"]?["scope"] == "max_sessions")
                #expect(c.site.counter.total == 0)
                #expect(try await acme.result("session.list")["sessions"]?.arrayValue?.count == 2)
                #expect(Self.figures(try await usage(acme, ["period": "day"])) == UsageFigures())
                // Another tenant has its own count; a deleted session frees a place.
                for id in ["a", "b", "c"] { _ = try await globex.result("session.create", ["session_id": .string(id)]) }
                _ = try await acme.result("session.delete", ["session_id": "a"])
                #expect(try await render(c, acme, "/static.html", ["session_id": "d"])["result"] != nil)
            }
        }

        @Test func reloadingTheTenantsFileAppliesNewLimits() async throws {
            try await withServer(acme: ["renders_per_day": 1]) { c, acme, _, two, _ in
                #expect(try await render(c, acme, "/static.html")["result"] != nil)
                #expect(try await render(c, acme, "/static.html")["error"]?["code"] == -32007)
                let tenants = try #require(c.server.server.tenants)
                try writeTenants(two, limits: ["acme": ["renders_per_day": 2]])
                #expect(tenants.reload(logger: testLogger()))
                #expect(try await render(c, acme, "/static.html")["result"] != nil)
                #expect(try await render(c, acme, "/static.html")["error"]?["data"]?["limit"] == 2)
                // A file with an unknown limit is refused on reload: the limits read before stay.
                try writeTenants(two, limits: ["acme": ["renders_per_week": 9]])
                #expect(!tenants.reload(logger: testLogger()))
                #expect(try await render(c, acme, "/static.html")["error"]?["data"]?["limit"] == 2)
            }
        }
    }
}

extension BrowserSuites {
    /// Usage totals of the real `tidepool serve` (SQLite) across a kill -9 and a graceful restart.
    @Suite struct TenantUsageServeTests {
        static func day(_ caller: KeyedCaller) async throws -> UsageFigures {
            BrowserSuites.TenantUsageTests.figures(try await caller.result("usage.get", ["period": "day"])["usage"])
        }

        static func written(_ caller: KeyedCaller) async throws -> Double {
            let text = try await caller.request(.GET, "/metrics").body
            let line = text.split(separator: "\n").first { $0.hasPrefix("tidepool_usage_renders_written_total ") }
            return line?.split(separator: " ").last.flatMap { Double($0) } ?? 0
        }

        @Test func usageTotalsSurviveKill9AndAGracefulRestartAndStillCountAgainstTheBudget() async throws {
            try await TestTenants.withTwo { two in
                try writeTenants(two, limits: ["acme": ["renders_per_day": 4]])
                let arguments = ["--port", "0", "--data-dir", two.directory + "/data", "--tenants-file", two.file]
                let environment = BrowserSuites.ServeRenderTests.oneBrowser
                try await FixtureServer.withRunning { site in
                    let page: JSONValue = ["url": .string(site.url("/static.html"))]
                    let inSession: JSONValue = ["url": .string(site.url("/static.html")), "session_id": "kept"]

                    let first = try ServeProcess(arguments: arguments, environment: environment, logs: two.directory)
                    try await first.waitUntilListening()
                    let acme1 = KeyedCaller(first, key: two.acme)
                    let a = BrowserSuites.TenantUsageTests.figures(try await acme1.result("render", page)["usage"])
                    let b = BrowserSuites.TenantUsageTests.figures(try await acme1.result("render", inSession)["usage"])
                    // Written within the flush interval (what a kill -9 may lose): wait until it was.
                    try await eventually("both renders' usage written") { try await Self.written(acme1) >= 2 }
                    try await first.stop(with: SIGKILL)

                    let second = try ServeProcess(arguments: arguments, environment: environment, logs: two.directory)
                    try await second.waitUntilListening()
                    let acme2 = KeyedCaller(second, key: two.acme)
                    #expect(try await Self.day(acme2) == a + b)
                    let kept = try await acme2.result("usage.get", ["session_id": "kept"])["usage"]
                    #expect(BrowserSuites.TenantUsageTests.figures(kept) == b)
                    // The third render, then a graceful stop at once: shutdown writes it.
                    let c = BrowserSuites.TenantUsageTests.figures(try await acme2.result("render", page)["usage"])
                    #expect(try await second.stop(with: SIGTERM) == 0)

                    let third = try ServeProcess(arguments: arguments, environment: environment, logs: two.directory)
                    try await third.waitUntilListening()
                    let acme3 = KeyedCaller(third, key: two.acme)
                    #expect(try await Self.day(acme3) == a + b + c)
                    _ = try await acme3.result("render", page)
                    let refused = try await acme3.error("render", page)
                    #expect(refused["code"] == -32007)
                    #expect(refused["data"]?["used"] == 4)
                    #expect(try await third.stop(with: SIGTERM) == 0)
                }
            }
        }
    }
}

extension BrowserSuites {
    /// Usage totals in PostgreSQL: written by one server, read back by the next on the same database.
    @Suite struct PostgresUsageTests {
        @Test func usageWrittenToPostgresIsReadBackByTheNextServer() async throws {
            try await TestTenants.withTwo { two in
                try writeTenants(two, limits: ["acme": ["renders_per_day": 3]])
                try await TestPostgres.withDatabase { url in
                    func server(_ body: (RenderServer, KeyedCaller) async throws -> Void) async throws {
                        try await RenderServer.with(
                            http: HTTPConfiguration(port: 0, tenantsFile: two.file),
                            sessions: {
                                $0.backend = .postgres
                                $0.databaseURL = url
                            }
                        ) { c in try await body(c, KeyedCaller(c.server, key: two.acme)) }
                    }
                    var spent = UsageFigures()
                    var inSession = UsageFigures()
                    try await server { c, acme in
                        spent += BrowserSuites.TenantUsageTests.figures(try await acme.result("render", ["url": .string(c.url("/static.html"))])["usage"])
                        inSession = BrowserSuites.TenantUsageTests.figures(
                            try await acme.result("render", ["url": .string(c.url("/static.html")), "session_id": "pg"])["usage"])
                        spent += inSession
                        try await eventually("written") {
                            (BrowserSuites.TenantUsageTests.metric(c, "tidepool_usage_renders_written_total", []) ?? 0) >= 2
                        }
                    }
                    try await server { c, acme in
                        try await eventually("the stored totals read back") {
                            BrowserSuites.TenantUsageTests.figures(try await acme.result("usage.get", ["period": "day"])["usage"]) == spent
                        }
                        let session = try await acme.result("usage.get", ["session_id": "pg"])["usage"]
                        #expect(BrowserSuites.TenantUsageTests.figures(session) == inSession)
                        #expect(try await acme.call("render", ["url": .string(c.url("/static.html"))])["result"] != nil)
                        let refused = try await acme.error("render", ["url": .string(c.url("/static.html"))])
                        #expect(refused["data"]?["used"] == 3)
                    }
                }
            }
        }
    }
}
