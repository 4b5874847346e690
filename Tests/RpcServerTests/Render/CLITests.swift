import FixtureServer
import Foundation
import Headless
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

extension BrowserSuites {
    /// `tidepool render` and `tidepool session …` as a user runs them: the real binary against a
    /// running `tidepool serve`, and `render --local` in-process.
    @Suite struct CLITests {
        /// What one run of the `tidepool` binary printed.
        struct Run {
            var status: Int32
            var stdout: String
            var stderr: String
        }

        /// Runs `tidepool <arguments>` in `directory` (at most 60 s) and collects its output.
        static func tidepool(_ arguments: [String], in directory: String, environment: [String: String] = [:]) async throws -> Run {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ServeProcess.binary)
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: directory)
            process.environment = ServeProcess.childEnvironment(environment)
            let output = directory + "/cli-\(UUID().uuidString)"
            _ = FileManager.default.createFile(atPath: output + ".out", contents: nil)
            _ = FileManager.default.createFile(atPath: output + ".err", contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output + ".out"))
            process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: output + ".err"))
            try process.run()
            let deadline = ContinuousClock.now + .seconds(60)
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw ServeProcess.Failure(message: "tidepool \(arguments) did not finish within 60 s")
            }
            process.waitUntilExit()
            return Run(
                status: process.terminationStatus,
                stdout: (try? String(contentsOfFile: output + ".out", encoding: .utf8)) ?? "",
                stderr: (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "")
        }

        @Test func renderAndSessionCommandsWorkThroughARunningServer() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try await FixtureServer.withRunning { site in
                let server = try ServeProcess(
                    arguments: ["--port", "0", "--session-backend", "memory"],
                    environment: ["BROWSER_MIN_POOL_SIZE": "1", "BROWSER_INITIAL_POOL_SIZE": "1"], logs: directory.path)
                try await server.waitUntilListening()
                let url = ["--server", server.baseURL]

                let html = try await Self.tidepool(
                    ["render", site.url("/delayed.html?ms=100"), "--wait-for", "#late", "--session", "cli"] + url,
                    in: directory.path)
                #expect(html.status == 0, "\(html.stderr)")
                #expect(html.stdout.contains("Late content arrived"))

                let shot = directory.path + "/shot.png"
                let json = try await Self.tidepool(["render", site.url("/static.html"), "--json", "--screenshot", shot] + url, in: directory.path)
                #expect(json.status == 0, "\(json.stderr)")
                let result = try JSONValue(parsing: Data(json.stdout.utf8))
                #expect(result["status_code"] == 200)
                let png = try Data(contentsOf: URL(fileURLWithPath: shot))
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

                let list = try await Self.tidepool(["session", "list"] + url, in: directory.path)
                #expect(list.status == 0)
                #expect(try JSONValue(parsing: Data(list.stdout.utf8))["sessions"]?.arrayValue?.count == 1)
                let get = try await Self.tidepool(["session", "get", "cli"] + url, in: directory.path)
                #expect(try JSONValue(parsing: Data(get.stdout.utf8))["request_count"] == 1)
                let delete = try await Self.tidepool(["session", "delete", "cli"] + url, in: directory.path)
                #expect(try JSONValue(parsing: Data(delete.stdout.utf8))["deleted"] == true)
                let gone = try await Self.tidepool(["session", "get", "cli"] + url, in: directory.path)
                #expect(gone.status == 1)
                #expect(gone.stderr.contains("-32001"))

                let refused = try await Self.tidepool(["render", "file:///etc/passwd"] + url, in: directory.path)
                #expect(refused.status == 1)
                #expect(refused.stderr.contains("-32009"))
                try await server.stop(with: SIGTERM)
            }
        }

        @Test func localRenderNeedsNoServerAndLeavesNoBrowser() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            // The browsers' temporary profiles go under the test's directory, so leftovers can be found.
            let tmp = directory.path + "/tmp"
            try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
            try await FixtureServer.withRunning { site in
                let run = try await Self.tidepool(
                    ["render", "--local", "--session", "here", site.url("/storage/write.html?k=v")], in: directory.path,
                    environment: ["TMPDIR": tmp])
                #expect(run.status == 0, "\(run.stderr)")
                #expect(run.stdout.contains("Writes localStorage"))
                // The session went to the data directory's store: the next local call reads its storage.
                let again = try await Self.tidepool(
                    ["render", "--local", "--session", "here", "--wait-for", "#storage", site.url("/storage/read.html")],
                    in: directory.path, environment: ["TMPDIR": tmp])
                #expect(again.stdout.contains(#"{"k":"v"}"#))
                #expect(FileManager.default.fileExists(atPath: directory.path + "/.tidepool/sessions.sqlite"))
                let leftovers = ProcessTable.snapshot().filter { entry in
                    !entry.isZombie
                        && ((try? String(contentsOfFile: "/proc/\(entry.pid)/cmdline", encoding: .utf8)) ?? "").contains(tmp)
                }
                #expect(leftovers.isEmpty)
                #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty, "temporary profiles removed")
            }
        }
    }
}
