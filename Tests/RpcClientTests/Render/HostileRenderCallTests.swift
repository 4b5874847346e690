import FixtureServer
import Foundation
import RenderTypes
import RpcClient
import Testing

extension ClientBrowserSuites {
    /// The client's typed result carries the dialogs, popups and downloads the server reports.
    @Suite struct HostileRenderCallTests {
        @Test func dialogsAndDownloadsArriveTyped() async throws {
            try await withRenderingServer { _, client, site in
                let config = DynamicConfig(
                    waitFor: .networkIdle(idleMs: 300), capture: CaptureConfig(downloads: DownloadCapture(maxBytes: 4096)),
                    dialogs: .accept
                )
                let result = try await client.renderDynamic(url: site.url("/hostile/download.html?auto&bytes=10"), config: config)
                #expect(result.downloads.map(\.state) == [.completed])
                #expect(result.downloads.first?.data.flatMap { Data(base64Encoded: $0) } == Data(FixtureServer.downloadBytes(count: 10)))
                let prompted = try await client.renderDynamic(url: site.url("/hostile/dialogs.html?open=prompt"), config: config)
                #expect(prompted.dialogs == [
                    DialogEntry(
                        type: .prompt, message: "Your name?", url: site.url("/hostile/dialogs.html?open=prompt"),
                        handled: .accepted, promptText: "Grace"),
                ])
                #expect(prompted.popups.isEmpty)
            }
        }
    }
}
