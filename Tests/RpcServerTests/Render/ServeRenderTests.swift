import FixtureServer
import Foundation
import Headless
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

extension BrowserSuites {
    /// The real `tidepool serve` binary with its browser pool: sessions survive kill -9 of the server
    /// with their login, SIGTERM leaves no Chromium behind, and a missing browser is one clear line.
    @Suite struct ServeRenderTests {
        static let oneBrowser = ["BROWSER_MIN_POOL_SIZE": "1", "BROWSER_INITIAL_POOL_SIZE": "1", "BROWSER_MAX_POOL_SIZE": "2"]

        /// Calls `render` on a `tidepool serve` process.
        static func render(_ server: ServeProcess, _ url: String, _ params: [String: JSONValue] = [:]) async throws -> JSONValue {
            var all = params
            all["url"] = .string(url)
            return try await server.result("render", .object(all))
        }

        /// Browsers `server` started (its children; each leads its own process group).
        static func browserGroups(of server: ServeProcess) -> [Int32] {
            let parent = server.process.processIdentifier
            return ProcessTable.snapshot().filter { $0.parent == parent && !$0.isZombie }.map(\.pid)
        }

        @Test func loginSurvivesKill9OfTheServerBetweenTwoCalls() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let arguments = ["--port", "0", "--data-dir", directory.path + "/data"]
            try await FixtureServer.withRunning { site in
                let first = try ServeProcess(arguments: arguments, environment: Self.oneBrowser, logs: directory.path)
                try await first.waitUntilListening()
                let login = try await Self.render(
                    first, site.url("/login.html"), ["session_id": "survivor", "config": ["actions": loginActions(user: "kim")]])
                #expect(login["final_url"] == .string(site.url("/dashboard")))
                try await first.stop(with: SIGKILL)

                let second = try ServeProcess(arguments: arguments, environment: Self.oneBrowser, logs: directory.path)
                try await second.waitUntilListening()
                let dashboard = try await Self.render(second, site.url("/dashboard"), ["session_id": "survivor"])
                #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">kim</span>"#) == true)
                let session = try await second.result("session.get", ["session_id": "survivor"])
                #expect(session["request_count"] == 2)
                try await second.stop(with: SIGTERM)
            }
        }

        @Test func sigtermClosesEveryBrowserTheServerStarted() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            var environment = Self.oneBrowser
            environment["BROWSER_INITIAL_POOL_SIZE"] = "2"
            try await FixtureServer.withRunning { site in
                let server = try ServeProcess(
                    arguments: ["--port", "0", "--data-dir", directory.path + "/data"], environment: environment,
                    logs: directory.path)
                try await server.waitUntilListening()
                // Pool browsers, a keep_warm session holding a context, and a profile's own browser.
                _ = try await server.result("session.create", ["session_id": "warm", "keep_warm": true])
                _ = try await Self.render(server, site.url("/static.html"), ["session_id": "warm"])
                _ = try await Self.render(server, site.url("/static.html"), ["profile": "owned"])
                try await eventually("two pool browsers and a profile browser") { Self.browserGroups(of: server).count >= 3 }
                let groups = Self.browserGroups(of: server)
                let stats = try await server.result("pool.stats")
                #expect(stats["contexts_held"] == 1)
                #expect(stats["profile_browsers"]?.arrayValue?.count == 1)

                #expect(try await server.stop(with: SIGTERM) == 0)
                for group in groups {
                    #expect(ProcessTable.liveMembers(ofGroup: group).isEmpty, "browser group \(group) outlived the server")
                }
                #expect(server.stderr.contains("browser pool stopped"))
            }
        }

        @Test func missingBrowserIsOneLineNamingTheInstallCommand() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let server = try ServeProcess(
                arguments: ["--port", "0", "--session-backend", "memory"],
                environment: ["CHROME_EXECUTABLE_PATH": directory.path + "/no-chromium-here"], logs: directory.path)
            let status = try await server.waitForExit()
            #expect(status == 3)
            let lines = server.stderr.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.contains("no-chromium-here") == true)
            #expect(lines.first?.contains("apt-get install -y --no-install-recommends chromium-headless-shell") == true)
        }
    }
}
