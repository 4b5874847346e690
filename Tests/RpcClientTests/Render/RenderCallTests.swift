import FixtureServer
import Foundation
import Headless
import Rendering
import RenderTypes
import RpcClient
import SessionContext
import Testing
import TestSupport

/// Parent of every RpcClient suite that starts Chromium: serialized as a whole, so they never run
/// browsers in parallel with each other on the 2-core machine.
@Suite(.serialized) enum ClientBrowserSuites {}

/// Runs `body` with a browser-backed server (`pool` may change its pool), a client of it, and the
/// fixture site.
func withRenderingServer(
    _ configuration: RpcClient.Configuration = .quietTest,
    clock: any WallClock = SystemWallClock(),
    pool: (inout BrowserPoolConfig) -> Void = { _ in },
    _ body: (TestServer, RpcClient, FixtureServer) async throws -> Void
) async throws {
    try await RenderServer.with(pool: pool, render: .init(), clock: clock) { c in
        try await c.server.withClient(configuration) { client in try await body(c.server, client, c.site) }
    }
}

extension ClientBrowserSuites {
    /// `render` through the client against a real server with real Chromium and the fixture site.
    @Suite struct RenderCallTests {

        @Test func renderDynamicReturnsThePageTypedWithEveryStage() async throws {
            try await withRenderingServer { _, client, site in
                let config = DynamicConfig(waitFor: .selector("#facts li"), actions: [.evaluate("document.querySelectorAll('#facts li').length")])
                let result = try await client.renderDynamic(url: site.url("/static.html"), config: config)
                #expect(result.finalUrl == site.url("/static.html"))
                #expect(result.statusCode == 200)
                #expect(result.title == "Tidepool Fixture: Static Page")
                #expect(result.html?.contains("id=\"js-status\">on<") == true)
                #expect(result.actionsExecuted.first?.result == 3)
                #expect(result.artifacts.metadata?.openGraph["title"] == "Static OG Title")
                #expect(result.renderTimeMs > 0)
            }
        }

        @Test func sessionCarriesTheLoginFromOneRenderToTheNext() async throws {
            try await withRenderingServer { server, client, site in
                let id: SessionID = "login-1"
                let login = DynamicConfig(actions: [
                    .type("#username", "ada"), .type("#password", FixtureAccounts.password), .click("#submit"),
                    .wait(.selector("#welcome")),
                ])
                let first = try await client.renderDynamicWithSession(url: site.url("/login.html"), config: login, sessionID: id)
                #expect(first.sessionId == "login-1")
                #expect(first.finalUrl == site.url("/dashboard"))
                let second = try await client.renderDynamicWithSession(url: site.url("/dashboard"), sessionID: id)
                #expect(second.html?.contains("<span id=\"user\">ada</span>") == true)
                let info = try await client.session(id: id)
                #expect(info.requestCount == 2)
                #expect(info.cookieCount >= 1)
                #expect(try await client.cookies(sessionID: id, name: FixtureAccounts.cookieName).first?.httpOnly == true)
                _ = server
            }
        }

        @Test func renderWithoutSessionIdGetsAGeneratedSession() async throws {
            try await withRenderingServer { _, client, site in
                let result = try await client.renderDynamicWithSession(url: site.url("/static.html"))
                let id = try #require(result.sessionId)
                #expect(id.hasPrefix(SessionID.generatedPrefix))
                #expect(try await client.session(id: SessionID(id)!).requestCount == 1)
            }
        }

        @Test func clientStoreRecordsTheServersRenderTime() async throws {
            try await withRenderingServer { _, client, site in
                client.enableSessions()
                let result = try await client.renderDynamicWithSession(url: site.url("/static.html"), sessionID: "timed")
                let local = try await client.peekSession("timed")
                #expect(local.requestCount == 1)
                #expect(local.avgRenderTimeMs == result.renderTimeMs)
                #expect(local.lastUrl == result.finalUrl)
            }
        }

        @Test func poolStatsDescribesTheRunningPool() async throws {
            try await withRenderingServer { _, client, _ in
                let stats = try await client.poolStats()
                #expect(!stats.browsers.isEmpty)
                // The shared shape reads the server's answer strictly and loses nothing.
                let raw = try await client.call(RpcCall<JSONValue>(method: "pool.stats"))
                #expect(try JSONValue(encoding: StrictJSONDecoder().decode(BrowserPoolStats.self, from: raw)) == raw)
                #expect(stats.capacity > 0)
                let health = try await client.health()
                #expect(health.isHealthy)
                #expect(!health.pool.isNull)
            }
        }

        @Test func batchOfRendersComesBackInOrder() async throws {
            try await withRenderingServer { _, client, site in
                let paths = ["/item/3", "/item/1", "/item/2"]
                let results = try await client.batch { b in paths.map { b.renderDynamic(url: site.url($0)) } }
                #expect(try results.map { try $0.get().title } == ["Item 3", "Item 1", "Item 2"])
            }
        }
    }
}
