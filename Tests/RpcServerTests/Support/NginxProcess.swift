import Foundation
import Headless
import NIOHTTP1
import TestSupport

/// nginx from Debian in front of some Tidepool nodes, with the repository's own configuration
/// (`deploy/nginx.conf`, its @WORDS@ filled in), in a temporary directory, in the foreground on
/// 127.0.0.1 and a free port; stopped (SIGQUIT, then SIGKILL with its workers) by `stop()` or when
/// released.
final class NginxProcess: HTTPEndpoint {
    let process = Process()
    let directory: TemporaryDirectory
    let baseURL: String

    /// The configuration the repository ships.
    static var template: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/nginx.conf")
    }

    /// Starts nginx balancing over `nodes` (their `host:port`) and waits until it answers.
    init(balancing nodes: [String]) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            throw ServeProcess.Failure(
                message: "nginx is not installed: apt-get install -y --no-install-recommends nginx (scripts/setup test does)")
        }
        directory = try TemporaryDirectory(prefix: "tidepool-nginx")
        let port = try freePort()
        baseURL = "http://127.0.0.1:\(port)"
        let configuration = try String(contentsOf: Self.template, encoding: .utf8)
            .replacingOccurrences(of: "@PREFIX@", with: directory.path)
            .replacingOccurrences(of: "@LISTEN@", with: "127.0.0.1:\(port)")
            .replacingOccurrences(
                of: "@NODES@", with: nodes.map { "server \($0) max_fails=1 fail_timeout=2s;" }.joined(separator: "\n        "))
        let file = directory.path + "/nginx.conf"
        try configuration.write(toFile: file, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-p", directory.path, "-c", file, "-e", directory.path + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        do {
            try await eventually("nginx answers") {
                guard process.isRunning else {
                    throw ServeProcess.Failure(message: "nginx exited \(process.terminationStatus)")
                }
                return (try? await request(.GET, "/health")) != nil
            }
        } catch {
            killAll()
            throw ServeProcess.Failure(message: "\(error); nginx's log: \(errorLog)")
        }
    }

    /// What nginx logged (its errors and warnings).
    var errorLog: String { (try? String(contentsOfFile: directory.path + "/error.log", encoding: .utf8)) ?? "" }

    /// Stops nginx gracefully (SIGQUIT), killing it after 10 s, and removes its directory.
    func stop() async {
        if process.isRunning { kill(process.processIdentifier, SIGQUIT) }
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        killAll()
        directory.remove()
    }

    /// Kills nginx and its workers (which a killed master would leave running) and reaps it.
    private func killAll() {
        guard process.isRunning else { return }
        let master = process.processIdentifier
        for worker in ProcessTable.snapshot() where worker.parent == master { kill(worker.pid, SIGKILL) }
        kill(master, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        killAll()
    }
}
