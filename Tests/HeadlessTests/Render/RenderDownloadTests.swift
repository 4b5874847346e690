import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import TestSupport
import Testing

extension Chromium {
    /// Downloads are reported; they stay off disk unless the caller asks for their bytes, which come
    /// back in the result within `capture.downloads.max_bytes`, and the render's directory goes with it.
    @Suite("Render: downloads", .serialized)
    struct RenderDownloadTests {
        /// The download page clicks its link once loaded; the download's request keeps the network busy
        /// until it turns into a download.
        static let settle = #""wait_for": {"type": "network_idle", "idle_ms": 300}"#

        /// A renderer whose downloads directory is the test's own (to prove it is emptied).
        static func with(
            engine: BrowserEngine = .headlessShell, _ body: (RenderHarness.Context, String) async throws -> Void
        ) async throws {
            let downloads = try TemporaryDirectory.make()
            defer { try? FileManager.default.removeItem(atPath: downloads) }
            let configuration = Renderer.Configuration(actionTimeout: .seconds(2), downloadsDirectory: downloads)
            try await RenderHarness.with(configuration: configuration, engine: engine) { c in try await body(c, downloads) }
        }

        /// Regular files under `directory` whose bytes are `bytes`.
        static func copies(of bytes: [UInt8], under directory: String) -> [String] {
            let files = FileManager.default.enumerator(atPath: directory)?.compactMap { $0 as? String } ?? []
            return files.filter { FileManager.default.contents(atPath: directory + "/" + $0) == Data(bytes) }
        }

        @Test(arguments: BrowserEngine.allCases)
        func aDownloadNotAskedForIsReportedAndNeverWritten(engine: BrowserEngine) async throws {
            try await Self.with(engine: engine) { c, downloads in
                let result = try await c.render("/hostile/download.html?auto&bytes=3000", "{\(Self.settle)}").result
                #expect(result.downloads == [
                    DownloadEntry(
                        url: c.url("/download?bytes=3000"), suggestedFilename: "report.bin", state: .denied, bytes: 3000),
                ])
                let bytes = FixtureServer.downloadBytes(count: 3000)
                #expect(Self.copies(of: bytes, under: c.tmp).isEmpty)
                #expect(try FileManager.default.contentsOfDirectory(atPath: downloads).isEmpty)
            }
        }

        @Test func aDownloadAskedForComesBackInTheResultAndLeavesNoFile() async throws {
            try await Self.with { c, downloads in
                let json = #"{\#(Self.settle), "capture": {"downloads": {"max_bytes": 100000}}}"#
                let result = try await c.render("/hostile/download.html?auto&bytes=3000&name=data.bin", json).result
                let download = try #require(result.downloads.first)
                #expect(result.downloads.count == 1)
                #expect(download.state == .completed)
                #expect(download.suggestedFilename == "data.bin")
                #expect(download.bytes == 3000)
                #expect(download.data.flatMap { Data(base64Encoded: $0) } == Data(FixtureServer.downloadBytes(count: 3000)))
                #expect(try FileManager.default.contentsOfDirectory(atPath: downloads).isEmpty)
            }
        }

        @Test func aDownloadOverMaxBytesIsStoppedWithoutItsBytes() async throws {
            try await Self.with { c, downloads in
                let json = #"{\#(Self.settle), "capture": {"downloads": {"max_bytes": 50000}}}"#
                let result = try await c.render("/hostile/download.html?auto&bytes=2000000", json).result
                #expect(result.downloads.map(\.state) == [.tooLarge])
                #expect(result.downloads.first?.data == nil)
                #expect(result.downloads.first?.bytes == 2_000_000)
                #expect(try FileManager.default.contentsOfDirectory(atPath: downloads).isEmpty)
            }
        }

        /// `wait_for: download` waits for a download the page starts late; without it the capture comes first.
        @Test func waitForDownloadWaitsForADownloadStartedAfterLoad() async throws {
            try await Self.with { c, _ in
                let page = "/hostile/download.html?auto&after_ms=2000&bytes=2000"
                let waited = try await c.render(page, #"{"wait_for": {"type": "download", "timeout_ms": 10000}}"#).result
                #expect(waited.downloads.map(\.url) == [c.url("/download?bytes=2000")])
                #expect(waited.waitConditionsMet == ["download"])
                let unwaited = try await c.render(page, #"{"wait_for": {"type": "load"}}"#).result
                #expect(unwaited.downloads.isEmpty)
            }
        }

        /// A download wait on a page that never downloads ends at its timeout.
        @Test func waitingForADownloadThatNeverComesTimesOut() async throws {
            try await Self.with { c, _ in
                let json = #"{"wait_for": {"type": "download", "timeout_ms": 700}}"#
                let failure = try await RenderHarness.renderError { try await c.render("/hostile/download.html", json) }
                guard case .timeout(let stage, _) = failure else {
                    Issue.record("expected a wait timeout, got \(failure)")
                    return
                }
                #expect(stage == .wait)
            }
        }
    }
}
