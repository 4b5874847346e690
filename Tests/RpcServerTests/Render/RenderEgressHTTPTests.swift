import Egress
import FixtureServer
import Headless
import RenderTypes
import Testing
import TestSupport

extension BrowserSuites {
    /// The egress policy through JSON-RPC: a refused page is -32009 with the reason, a refused
    /// subresource a warning; a profile's own browser is held to the same policy.
    @Suite struct RenderEgressHTTPTests {
        static let onlyOne: @Sendable (inout BrowserPoolConfig) -> Void = { $0.egress = EgressPolicy(allowed: [IPNetwork("127.0.0.1/32")!]) }

        @Test func aRefusedPageIsMinus32009WithTheReason() async throws {
            try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                try await RenderServer.with(pool: Self.onlyOne) { c in
                    let error = try await c.renderError(other.url("/static.html"))
                    #expect(error["code"] == -32009)
                    #expect(error["data"]?["url"] == .string(other.url("/static.html")))
                    #expect(error["data"]?["reason"]?.stringValue?.contains("loopback") == true, "\(error)")
                    #expect(other.counter.total == 0)
                    // The metadata address is refused the same way (its connection is never attempted).
                    let metadata = try await c.renderError("http://169.254.169.254/latest/meta-data/")
                    #expect(metadata["code"] == -32009)
                    #expect(metadata["data"]?["reason"]?.stringValue?.contains("link-local") == true, "\(metadata)")
                }
            }
        }

        @Test func aRefusedSubresourceIsAWarning() async throws {
            try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                try await RenderServer.with(pool: Self.onlyOne) { c in
                    let result = try await c.rendered("/egress-probe?origin=\(other.baseURL)")
                    #expect(result["status_code"] == 200)
                    let warnings = result["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    #expect(warnings.contains { $0.contains("egress policy refused \(other.baseURL)/assets/img/red.png") }, "\(warnings)")
                    #expect(other.counter.total == 0)
                }
            }
        }

        @Test func aProfilesOwnBrowserIsHeldToThePolicy() async throws {
            try await FixtureServer.withRunning(host: "127.0.0.2") { other in
                try await RenderServer.with(pool: Self.onlyOne) { c in
                    let allowed = try await c.rendered("/static.html", ["profile": "egress"])
                    #expect(allowed["status_code"] == 200)
                    let error = try await c.renderError(other.url("/static.html"), ["profile": "egress"])
                    #expect(error["code"] == -32009, "\(error)")
                    #expect(other.counter.total == 0)
                }
            }
        }
    }
}
