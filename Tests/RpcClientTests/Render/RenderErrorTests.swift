import FixtureServer
import Foundation
import Headless
import RenderTypes
import RpcClient
import SessionContext
import Testing
import TestSupport

extension ClientBrowserSuites {
    /// The render errors of SPEC's table, each produced by a real server condition with real Chromium.
    @Suite struct RenderErrorTests {
        @Test func fileURLIsURLNotAllowed() async throws {
            try await withRenderingServer { _, client, _ in
                let error = await rpcError { try await client.renderDynamic(url: "file:///etc/passwd") }
                guard case .urlNotAllowed(let url, let reason)? = error else {
                    Issue.record("expected urlNotAllowed, got \(String(describing: error))")
                    return
                }
                #expect(url == "file:///etc/passwd")
                #expect(!reason.isEmpty)
            }
        }

        @Test func selectorThatNeverAppearsIsRenderTimeoutInTheWaitStage() async throws {
            try await withRenderingServer { _, client, site in
                let config = DynamicConfig(waitFor: .selector("#never", timeoutMs: 500))
                let error = await rpcError { try await client.renderDynamic(url: site.url("/static.html"), config: config) }
                guard case .renderTimeout(let stage, let elapsedMs)? = error else {
                    Issue.record("expected renderTimeout, got \(String(describing: error))")
                    return
                }
                #expect(stage == "wait")
                #expect(elapsedMs >= 500)
            }
        }

        @Test func closedPortIsNavigationFailedWithTheNetError() async throws {
            try await withRefusingPort { port in
                try await withRenderingServer { _, client, _ in
                    let error = await rpcError { try await client.renderDynamic(url: "http://127.0.0.1:\(port)/") }
                    guard case .navigationFailed(_, let netError)? = error else {
                        Issue.record("expected navigationFailed, got \(String(describing: error))")
                        return
                    }
                    #expect(netError == "net::ERR_CONNECTION_REFUSED")
                }
            }
        }

        @Test func clickOnAMissingElementIsActionFailedWithItsIndex() async throws {
            try await withRenderingServer { _, client, site in
                let config = DynamicConfig(actions: [.evaluate("1"), .click("#no-such-button")])
                let error = await rpcError { try await client.renderDynamic(url: site.url("/static.html"), config: config) }
                guard case .actionFailed(let index, _)? = error else {
                    Issue.record("expected actionFailed, got \(String(describing: error))")
                    return
                }
                #expect(index == 1)
            }
        }

        @Test func serverSessionOverItsLimitIsRequestLimitReached() async throws {
            try await withRenderingServer { _, client, site in
                _ = try await client.createSession(id: "capped", maxRequests: 1)
                _ = try await client.renderDynamicWithSession(url: site.url("/static.html"), sessionID: "capped")
                let error = await rpcError { try await client.renderDynamicWithSession(url: site.url("/static.html"), sessionID: "capped") }
                #expect(error == .requestLimitReached(max: 1, sessionID: "capped"))
            }
        }

        @Test func expiredServerSessionIsSessionExpiredForARender() async throws {
            let clock = ManualWallClock()
            try await withRenderingServer(clock: clock) { _, client, site in
                let created = try await client.createSession(id: "brief", ttlSeconds: 10, autoRenew: false)
                clock.advance(by: 11)
                let error = await rpcError { try await client.renderDynamicWithSession(url: site.url("/static.html"), sessionID: "brief") }
                #expect(error == .sessionExpired("brief", expiredAt: created.expiresAt))
            }
        }

        @Test func badRenderParamIsInvalidParamsNamingItsPath() async throws {
            try await withRenderingServer { _, client, site in
                let call = RpcCall<DynamicRenderResult>(
                    method: "render",
                    params: ["url": .string(site.url("/static.html")), "config": ["wait_for": ["type": "selector"]]] as JSONValue
                )
                let error = await rpcError { try await client.call(call) }
                guard case .invalidParams(let field, _)? = error else {
                    Issue.record("expected invalidParams, got \(String(describing: error))")
                    return
                }
                #expect(field == "config.wait_for.selector")
            }
        }
    }

    /// -32006 and -32008 need a pool in a particular state: one browser, one context, no queue; or
    /// browsers killed in the middle of a render (only the browsers this test's server started).
    @Suite struct PoolErrorTests {
        @Test func fullPoolIsOverloadedWithRetryAfter() async throws {
            let tiny: (inout BrowserPoolConfig) -> Void = { $0.contextsPerBrowser = 1; $0.prewarmContexts = 0; $0.maxQueue = 0 }
            try await withRenderingServer(.testing { $0.retryPolicy = .none }, pool: tiny) { server, client, site in
                let pool = try #require(server.pool)
                async let hanging = rpcError { try await client.renderDynamic(url: site.url("/hang.html"), config: DynamicConfig(timeoutMs: 4000)) }
                try await eventually("the hanging render holding the only context") { pool.stats().contextsLeased == 1 }
                let error = await rpcError { try await client.renderDynamic(url: site.url("/static.html")) }
                guard case .overloaded(let retryAfterMs?, let queueLength)? = error else {
                    Issue.record("expected overloaded, got \(String(describing: error))")
                    return
                }
                #expect(retryAfterMs > 0)
                #expect(queueLength == 0)
                guard case .renderTimeout? = await hanging else {
                    Issue.record("the hanging render should time out")
                    return
                }
            }
        }

        @Test func overloadIsRetriedByTheClientUntilTheContextIsFree() async throws {
            let tiny: (inout BrowserPoolConfig) -> Void = { $0.contextsPerBrowser = 1; $0.prewarmContexts = 0; $0.maxQueue = 0 }
            let patient = RpcClient.Configuration.testing { $0.retryPolicy = RetryPolicy(maxAttempts: 40, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300)) }
            try await withRenderingServer(patient, pool: tiny) { server, client, site in
                let pool = try #require(server.pool)
                async let slow = client.renderDynamic(url: site.url("/slow?ms=1500"))
                try await eventually("the slow render holding the only context") { pool.stats().contextsLeased == 1 }
                let second = try await client.renderDynamic(url: site.url("/static.html"))
                #expect(second.statusCode == 200)
                #expect(try await slow.statusCode == 200)
                #expect(pool.stats().overloadedRejections >= 1, "the second render was refused at least once before it got through")
            }
        }

        @Test func browserKilledMidRenderIsBrowserCrashed() async throws {
            try await withRenderingServer(.testing { $0.retryPolicy = .none }) { server, client, site in
                let pool = try #require(server.pool)
                let pid = try #require(pool.stats().browsers.first { $0.state == "ready" }?.pid)
                async let hanging = rpcError { try await client.renderDynamic(url: site.url("/hang.html"), config: DynamicConfig(timeoutMs: 20_000)) }
                try await eventually("the page loading") { site.counter.count(path: "/hang") >= 1 }
                kill(pid, SIGKILL)  // a browser this test's own pool started
                #expect(await hanging == .browserCrashed(retried: false))
            }
        }

        @Test func crashIsRetriedByTheClientOnAReplacementBrowser() async throws {
            try await withRenderingServer { server, client, site in
                let pool = try #require(server.pool)
                let pid = try #require(pool.stats().browsers.first { $0.state == "ready" }?.pid)
                async let slow = client.renderDynamic(url: site.url("/slow?ms=2000"))
                try await eventually("the page loading") { site.counter.count(path: "/slow") >= 1 }
                kill(pid, SIGKILL)  // a browser this test's own pool started
                let result = try await slow
                #expect(result.statusCode == 200)
                #expect(site.counter.count(path: "/slow") >= 2, "the client sent the render again")
                #expect(pool.stats().restarts >= 1)
            }
        }
    }
}
