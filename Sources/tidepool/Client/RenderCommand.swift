import ArgumentParser
import Foundation
import RenderTypes

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
    @Option(help: "Deadline of the call in milliseconds (default 30000).") var timeoutMs: Int?
    @Flag(help: "Print the whole JSON result instead of the HTML.") var json = false
    @Flag(help: "Render in-process: start a browser pool and the session store of --data-dir for this call.")
    var local = false
    @Option(help: "Data directory of --local (default ./.tidepool, or SESSION_BASE_DIR).") var dataDir: String?
    @OptionGroup var server: ServerOptions

    /// The `render` params these options describe.
    var params: JSONValue {
        var config: [String: JSONValue] = [:]
        if let waitFor { config["wait_for"] = ["type": "selector", "selector": .string(waitFor)] }
        if screenshot != nil { config["capture"] = ["screenshot": true] }
        if let timeoutMs { config["timeout_ms"] = .int(timeoutMs) }
        var params: [String: JSONValue] = ["url": .string(url)]
        if let session { params["session_id"] = .string(session) }
        if !config.isEmpty { params["config"] = .object(config) }
        return .object(params)
    }

    func execute() async throws {
        let params = self.params
        let result =
            if local {
                try await LocalServer.with(dataDirectory: dataDir) { connection in
                    try await connection.call("render", params)
                }
            } else {
                try await server.connection.call("render", params)
            }
        if let screenshot {
            guard let encoded = result["artifacts"]?["screenshot"]?.stringValue, let image = Data(base64Encoded: encoded)
            else { throw CLIError("the result holds no screenshot") }
            do {
                try image.write(to: URL(fileURLWithPath: screenshot))
            } catch {
                throw CLIError("cannot write the screenshot to \(screenshot): \(error)")
            }
        }
        print(json ? result.jsonString() : result["html"]?.stringValue ?? "")
    }
}
