import Foundation
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

/// The CLI's client commands go through `RpcClient`: its typed errors become messages that say
/// what failed and what to do, a transient failure is retried, and what is printed is the JSON
/// the server sent. Real `tidepool serve` processes; no browser needed.
@Suite(.serialized) struct CLIClientTests {
    static func tidepool(
        _ arguments: [String], in directory: TemporaryDirectory, environment: [String: String] = [:]
    ) async throws -> BrowserSuites.CLITests.Run {
        try await BrowserSuites.CLITests.tidepool(arguments, in: directory.path, environment: environment)
    }

    /// A running `tidepool serve` with sessions in memory and no browser.
    static func server(in directory: TemporaryDirectory, environment: [String: String] = [:]) async throws -> ServeProcess {
        let server = try ServeProcess(
            arguments: ["--port", "0", "--session-backend", "memory"], environment: environment, logs: directory.path)
        try await server.waitUntilListening()
        return server
    }

    @Test func anUnknownSessionIsReportedWithWhatToDo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await Self.server(in: directory)
        let run = try await Self.tidepool(["session", "get", "nope", "--server", server.baseURL], in: directory)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr == "tidepool: session.get failed: session nope not found: `tidepool session list` shows the live ones (-32001)\n")
        try await server.stop(with: SIGTERM)
    }

    @Test func aSessionIdTheServerWouldRefuseFailsBeforeAnyCall() async throws {
        // Nothing listens there: the id is refused before a connection is tried.
        let run = try await BrowserSuites.CLITests.tidepool(["session", "delete", "not/an/id", "--server", "http://127.0.0.1:9"])
        #expect(run.status == 1)
        #expect(run.stderr.hasPrefix("tidepool: session.delete failed: invalid param session_id"), "\(run.stderr)")
        #expect(run.stderr.contains("(-32602)"))
    }

    @Test func aMissingTokenIsReportedWithWhatToDo() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await Self.server(in: directory, environment: ["TIDEPOOL_TOKEN": "t0k"])
        let denied = try await Self.tidepool(["session", "list", "--server", server.baseURL], in: directory)
        #expect(denied.status == 1)
        #expect(denied.stderr.contains("wants its token (HTTP 401): set TIDEPOOL_TOKEN or --token"), "\(denied.stderr)")
        let allowed = try await Self.tidepool(
            ["session", "list", "--server", server.baseURL], in: directory, environment: ["TIDEPOOL_TOKEN": "t0k"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        try await server.stop(with: SIGTERM)
    }

    @Test func anUnreachableServerIsRetriedThenReported() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Connections to it are refused: a transient failure.
        try await withRefusingPort { port in
            let url = "http://127.0.0.1:\(port)"
            let run = try await Self.tidepool(["session", "list", "--server", url, "--log-level", "debug"], in: directory)
            #expect(run.status == 1)
            let lines = run.stderr.split(separator: "\n")
            // The client's default policy makes 3 attempts: 2 retries, each logged at debug.
            #expect(lines.filter { $0.contains("retrying Tidepool call") }.count == 2, "\(run.stderr)")
            #expect(lines.last?.hasPrefix("tidepool: cannot reach the Tidepool server at \(url)") == true, "\(run.stderr)")
            #expect(lines.last?.hasSuffix("(start one with `tidepool serve`, or use --local)") == true)
        }
    }

    @Test func sessionCommandsPrintTheJSONTheServerSent() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await Self.server(in: directory)
        for index in 0..<5 {
            _ = try await server.result(
                "session.create", ["session_id": .string("s\(index)"), "metadata": ["n": .int(index), "x": 0.1]])
        }
        let list = try await Self.tidepool(["session", "list", "--limit", "3", "--server", server.baseURL], in: directory)
        #expect(list.status == 0, "\(list.stderr)")
        // Byte for byte: timestamps keep their milliseconds, the cursor is there.
        #expect(list.stdout == (try await server.result("session.list", ["limit": 3])).jsonString() + "\n")
        let delete = try await Self.tidepool(["session", "delete", "s0", "--server", server.baseURL], in: directory)
        #expect(delete.stdout == #"{"deleted":true}"# + "\n")
        try await server.stop(with: SIGTERM)
    }
}
