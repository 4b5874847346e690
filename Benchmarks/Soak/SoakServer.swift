import Foundation
import BenchSupport

/// The `tidepool serve` under test: the release binary next to this one, on a free port, a throwaway
/// data directory and a temporary directory of its own (so its browsers' profiles can be counted),
/// loopback allowed (the fixture site listens there), its output kept in `logs`, stopped with SIGTERM.
final class SoakServer: Sendable {
    let url: String
    let pid: Int32
    let dataDirectory: String
    /// The server's cgroup, counting the CPU of every process it starts (nil: /proc figures only).
    let cpuGroup: CPUGroup?
    /// The server's TMPDIR.
    var temporaryDirectory: String { dataDirectory + "/tmp" }
    private let process: Process

    init(binary: String, logs: String) throws {
        dataDirectory = NSTemporaryDirectory() + "tidepool-soak-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dataDirectory + "/tmp", withIntermediateDirectories: true)
        let out = logs + "/server.stdout", err = logs + "/server.stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "0", "--data-dir", dataDirectory + "/data", "--log-level", "warning"]
        var environment = ProcessInfo.processInfo.environment
        environment["TIDEPOOL_ALLOW_NETWORKS"] = "127.0.0.0/8"
        environment["TMPDIR"] = dataDirectory + "/tmp"
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        pid = process.processIdentifier
        // Before its first browser starts (it launches them once listening).
        cpuGroup = CPUGroup(for: pid, name: "tidepool-soak-\(pid)")
        var found: String?
        for _ in 0..<600 where found == nil {
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            found = text.split(separator: "\n").first { $0.hasPrefix("tidepool listening on ") }
                .map { String($0.dropFirst("tidepool listening on ".count)) }
            if found == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        guard let found else {
            process.terminate()
            throw SoakError("tidepool serve did not start: \((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")")
        }
        url = found
    }

    /// SIGTERM, then waits for the exit; what is left behind (Chromium processes of its tree, its
    /// temporary profiles).
    func stop() async -> [String] {
        let before = ProcTree.descendants(of: pid)
        process.terminate()
        for _ in 0..<600 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        var left: [String] = []
        if process.isRunning { left.append("tidepool serve still running after 60 s") }
        try? await Task.sleep(for: .seconds(2))
        for child in before where ProcTree.isAlive(child) { left.append("process \(child) (\(ProcTree.command(child))) outlived the server") }
        if let cpuGroup, !cpuGroup.remove() { left.append("processes left in the server's cgroup") }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? [] {
            left.append("\(temporaryDirectory)/\(entry) outlived the server")
        }
        try? FileManager.default.removeItem(atPath: dataDirectory)
        return left
    }
}

struct SoakError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
