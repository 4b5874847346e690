import ArgumentParser
import Foundation
import Rendering
import RenderTypes
import RpcClient
import RpcServer

/// `tidepool render URL`: renders through a running server (or in-process with `--local`) and prints
/// the HTML, or the whole JSON result with `--json`.
struct RenderCommand: ParsableCommand, AsyncCLICommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a URL through a running server (or in-process with --local); print its HTML or JSON result."
    )

    @Argument(help: "http(s) URL or about:blank.") var url: String
    @Option(help: "CSS selector to wait for (instead of the load event).") var waitFor: String?
    @Option(help: "Also write a PNG screenshot of the viewport to this file.") var screenshot: String?
    @Option(help: "Render in this session (created when unknown): its cookies and localStorage carry over.")
    var session: String?
    @Option(help: ArgumentHelp("Deadline of the render in milliseconds (default: \(RenderLimits.defaultTimeoutMs)).", valueName: "ms"))
    var timeoutMs: Int?
    @Flag(help: "Print the whole JSON result instead of the HTML.") var json = false
    @Flag(help: "Render in-process: start a browser pool and the session store of --data-dir for this call.")
    var local = false
    @Option(
        help: ArgumentHelp(
            "Data directory of --local [env: SESSION_BASE_DIR] (default: \(SessionsConfiguration().dataDirectory)).",
            valueName: "directory"
        )
    )
    var dataDir: String?
    @OptionGroup var server: ServerOptions

    /// The `render` params these options describe.
    var params: RenderParams {
        let config = DynamicConfig(
            waitFor: waitFor.map { .selector($0) }, capture: screenshot.map { _ in CaptureConfig(screenshot: true) },
            timeoutMs: timeoutMs
        )
        return RenderParams(url: url, sessionId: session, config: config == DynamicConfig() ? nil : config)
    }

    func execute() async throws {
        let params = self.params
        // The typed call: its deadline is the render's own timeout plus the client's grace.
        let render = { (client: RpcClient) async throws(CLIError) -> DynamicRenderResult in
            try await client.calling("render") { (client) throws(RpcError) in try await client.render(params) }
        }
        let result: DynamicRenderResult
        if local {
            try server.startLogging()
            result = try await LocalServer.with(dataDirectory: dataDir, render)
        } else {
            result = try await server.withClient(render)
        }
        if let screenshot {
            guard let encoded = result.artifacts.screenshot, let image = Data(base64Encoded: encoded)
            else { throw CLIError("the result holds no screenshot") }
            do {
                try image.write(to: URL(fileURLWithPath: screenshot))
            } catch {
                throw CLIError("cannot write the screenshot to \(screenshot): \(error)")
            }
        }
        // The server encoded this very type, and everything it sends for these params (no dates,
        // no explicit nulls) decodes and encodes back to the same JSON.
        print(json ? try JSONValue(encoding: result).jsonString() : result.html ?? "")
    }
}
