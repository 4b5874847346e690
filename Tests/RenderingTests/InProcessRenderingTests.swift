import FixtureServer
import Headless
import MetricsTestKit
import Rendering
import RenderTypes
import SessionContext
import Testing
import TestSupport

/// The session-aware render path embedded in a process of its own, without HTTP or JSON-RPC: a
/// `RenderService` over a real pool and an in-memory store, as a user embedding Tidepool would run it.
@Suite(.serialized) struct InProcessRenderingTests {
    /// The render path, its session service, the metrics it recorded and the fixture site, for one test.
    struct Harness {
        let renders: RenderService
        let sessions: SessionService
        let metrics: TestMetrics
        let site: FixtureServer
    }

    static func with(
        sessions configure: (inout SessionsConfiguration) -> Void = { _ in }, _ body: (Harness) async throws -> Void
    ) async throws {
        let tmp = try TemporaryDirectory(prefix: "tidepool-rendering-test")
        defer { tmp.remove() }
        var configuration = SessionsConfiguration(backend: .memory, dataDirectory: tmp.path + "/data")
        configure(&configuration)
        let store = RpcSessionStore(
            backend: AnySessionBackend(InMemorySessionBackend()),
            configuration: .init(defaultConfig: SessionConfig(ttlSeconds: configuration.defaultTTLSeconds)))
        let sessions = SessionService(store: store, configuration: configuration, logger: testLogger())
        let metrics = TestMetrics()
        try await FixtureServer.withRunning { site in
            try await TestPools.with(TestPools.config(tmp: tmp.path, contextsPerBrowser: 4)) { pool in
                let renders = RenderService(pool: pool, sessions: sessions, metrics: metrics, logger: testLogger())
                try await body(Harness(renders: renders, sessions: sessions, metrics: metrics, site: site))
            }
        }
    }

    /// The fixture's login form filled in and submitted, then the dashboard awaited.
    static func login(_ user: String) throws -> DynamicConfig {
        try StrictJSONDecoder().decode(DynamicConfig.self, from: ["actions": loginActions(user: user)])
    }

    @Test func aSessionCarriesItsLoginFromOneRenderToTheNext() async throws {
        try await Self.with { h in
            let login = try await h.renders.render(
                RenderParams(url: h.site.url("/login.html"), sessionId: "embedded", config: try Self.login("ada")))
            #expect(login.sessionId == "embedded")
            #expect(login.cookiesUpdated >= 1)
            let dashboard = try await h.renders.render(RenderParams(url: h.site.url("/dashboard"), sessionId: "embedded"))
            #expect(dashboard.html?.contains("ada") == true, "the second render is logged in")
            let id = SessionID("embedded")
            let stored = try #require(try await h.sessions.store.backend.load(id))
            #expect(stored.requestCount == 2)
            #expect(!stored.cookies.isEmpty)
            // Measured through the factory it was given, not a global one.
            #expect(try h.metrics.expectTimer("tidepool_render_duration_seconds").values.count == 2)
        }
    }

    @Test func refusalsOfTheRenderPathAreDomainErrors() async throws {
        try await Self.with { h in
            let badID = await #expect(throws: RenderingError.self) {
                try await h.renders.render(RenderParams(url: h.site.url("/static.html"), sessionId: "no spaces allowed"))
            }
            guard case .invalidParams(let field, _)? = badID else { return }
            #expect(field == "session_id")
            let outside = await #expect(throws: RenderingError.self) {
                try await h.renders.render(RenderParams(url: h.site.url("/static.html"), userDataDir: "/etc"))
            }
            guard case .invalidParams(let dirField, _)? = outside else { return }
            #expect(dirField == "user_data_dir")
            await #expect(throws: RenderError.self) {
                try await h.renders.render(RenderParams(url: "file:///etc/passwd"))
            }
        }
    }

    @Test func theSessionCapAndTheRequestLimitRefuseBeforeAnythingRenders() async throws {
        try await Self.with(sessions: { $0.maxSessions = 1 }) { h in
            let limited = SessionCreateParams(sessionId: SessionID("one"), maxRequests: 1)
            _ = try await h.sessions.create(limited, tenant: .default)
            await #expect(throws: RenderingError.budgetExceeded(scope: "sessions", limit: 1, used: 1)) {
                try await h.renders.render(RenderParams(url: h.site.url("/static.html"), sessionId: "two"))
            }
            _ = try await h.renders.render(RenderParams(url: h.site.url("/static.html"), sessionId: "one"))
            let before = h.site.counter.count(path: "/static.html")
            await #expect(throws: SessionError.requestLimitReached(SessionID("one"), maxRequests: 1)) {
                try await h.renders.render(RenderParams(url: h.site.url("/static.html"), sessionId: "one"))
            }
            #expect(h.site.counter.count(path: "/static.html") == before, "nothing was fetched for the refused call")
        }
    }
}
