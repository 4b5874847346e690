import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

extension Chromium {
    /// `ProxyAuthAnswers` (issue 12: a live view of a keep_warm session kept with a proxy that asks for
    /// credentials, in a pool without an egress policy, where the browser meets the proxy's challenge
    /// itself): a page no `Page` drives answers it.
    @Suite struct ProxyAuthAnswersTests {
        private let scratch = try! TemporaryDirectory()

        /// The text of `url` as a page of a fresh context behind the fixture server as its proxy shows
        /// it, with the proxy's credentials answered by `ProxyAuthAnswers` when `answering`.
        private func shown(_ url: String, answering: Bool, site: FixtureServer, pool: BrowserPool) async throws -> String {
            let options = LeaseOptions(proxy: ProxyConfig(server: "http://127.0.0.1:\(site.port)"))
            return try await pool.withLease(deadline: TestPools.farDeadline(), options: options) { lease in
                let (user, password) = FixtureServer.proxyCredentials
                let answers =
                    answering
                    ? try await ProxyAuthAnswers.start(
                        on: lease.page, username: user, password: password, logger: testLogger(), timeout: .seconds(10))
                    : nil
                defer { answers?.cancel() }
                let loaded = lease.page.events(methods: ["Page.loadEventFired"])
                _ = try await lease.page.send(CDP.Page.Navigate(url: url))
                _ = await loaded.first(method: "Page.loadEventFired")
                let text = try await lease.page.send(CDP.Runtime.Evaluate(expression: "document.body ? document.body.innerText : ''"))
                return text.result.value?.stringValue ?? ""
            }
        }

        @Test func answersTheProxysChallengeOnAPageNoPageDrives() async throws {
            try await FixtureServer.withRunning { site in
                // Without an egress policy: with one, Tidepool's egress proxy sends the credentials
                // upstream itself and the browser never sees a challenge.
                try await TestPools.with(TestPools.config(tmp: scratch.path, egress: nil)) { pool in
                    let url = "http://\(FixtureServer.authProxyHost)/static.html"
                    // A fresh context each time: no credentials cached from an earlier answer.
                    let refused = try await shown(url, answering: false, site: site, pool: pool)
                    #expect(!refused.contains("Static fixture page"), "without an answer the proxy refuses: \(refused)")
                    let answered = try await shown(url, answering: true, site: site, pool: pool)
                    #expect(answered.contains("Static fixture page"), "\(answered)")
                }
            }
        }
    }
}
