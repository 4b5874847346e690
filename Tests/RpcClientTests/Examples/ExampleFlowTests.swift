import ExampleSupport
import FixtureServer
import Foundation
import RenderTypes
import RpcClient
import SessionContext
import Testing
@testable import LoginFlow
@testable import PaginatedScrape
@testable import ScreenshotGallery
@testable import SessionMetrics

extension ClientBrowserSuites {
    /// The examples' flows, run as the executables run them, against a real server with real
    /// Chromium and the fixture site on 127.0.0.1.
    @Suite struct ExampleFlowTests {
        /// Runs `body` with a browser-backed server, a client of it, and the fixture site.
        func withSite(_ body: (RpcClient, FixtureServer) async throws -> Void) async throws {
            try await withRenderingServer { _, client, site in try await body(client, site) }
        }

        @Test func loginFlowLogsInAndTheDashboardGreetsTheUser() async throws {
            try await withSite { client, site in
                let outcome = try await LoginFlowExample.flow(client: client, site: site.baseURL, user: "ada", password: "hunter2")
                #expect(outcome.landedOn == site.url("/dashboard"))
                #expect(outcome.dashboardGreeting == "Welcome, ada")
                #expect(outcome.cookiesSeenBySite.contains(FixtureAccounts.cookieName))
            }
        }

        @Test func loginFlowWithAWrongPasswordFailsWithAClearError() async throws {
            try await withSite { client, site in
                let error = await #expect(throws: ExampleError.self) {
                    try await LoginFlowExample.flow(client: client, site: site.baseURL, user: "ada", password: "wrong")
                }
                #expect(error?.description.contains("did not greet ada") == true)
            }
        }

        @Test func paginatedScrapeCollectsEveryItemOfEveryPageInOrder() async throws {
            try await withSite { client, site in
                let outcome = try await PaginatedScrapeExample.flow(client: client, start: site.url("/list"), maxPages: 50)
                #expect(outcome.pages.count == 4)
                #expect(outcome.items == (1...20).map { "Item \($0)" })
                #expect(outcome.pages.last?.url == site.url("/list?page=4"))
            }
        }

        @Test func paginatedScrapeStopsAtMaxPages() async throws {
            try await withSite { client, site in
                let outcome = try await PaginatedScrapeExample.flow(client: client, start: site.url("/list"), maxPages: 2)
                #expect(outcome.items.count == 10)
            }
        }

        @Test func screenshotGalleryWritesOnePNGPerURLAndReportsFailuresAlone() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gallery-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            try await withSite { client, site in
                let urls = ["/static.html", "/list", "/item/3"].map(site.url) + ["file:///etc/passwd"]
                let shots = try await ScreenshotGalleryExample.flow(client: client, urls: urls, concurrency: 2, directory: directory)
                #expect(shots.map(\.url) == urls)
                for shot in shots.prefix(3) {
                    let file = try shot.outcome.get()
                    let bytes = try Data(contentsOf: file)
                    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(file.lastPathComponent) is a PNG")
                }
                guard case .failure(.urlNotAllowed)? = shots.last?.outcome else {
                    Issue.record("file: URL should be refused, got \(String(describing: shots.last?.outcome))")
                    return
                }
            }
        }

        @Test func sessionMetricsCountsRequestsAndTheLocalRefusal() async throws {
            try await withSite { client, site in
                let report = try await SessionMetricsExample.flow(client: client, site: site.baseURL)
                #expect(report.sessions.map(\.requestCount) == [3, 3])
                #expect(report.refusedLocally == 1)
                #expect(report.local.totalRequests == 6)
                #expect(report.local.p50RenderMs > 0)
                #expect(report.server.totalRequests == 6, "the refused render never reached the server")
            }
        }
    }
}
