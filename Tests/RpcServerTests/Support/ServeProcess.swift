import Foundation
import Testing
import TestSupport

/// The real `tidepool serve` binary in a child process, for the tests of the command itself:
/// its stdout and stderr go to files, the port comes from its "listening on" line.
final class ServeProcess: HTTPEndpoint {
    let process = Process()
    let output: String
    let errors: String
    private(set) var baseURL = ""

    /// The `tidepool` binary built next to the test bundle.
    static var binary: String {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // The bundle may be a directory (`….xctest/…`); the products sit beside it.
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("tidepool").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return "tidepool-binary-not-found-build-the-package-first"
    }

    /// This process's environment without any TIDEPOOL_/SESSION_/BROWSER_ variable, with loopback let
    /// through the egress policy (the fixture site listens there), then `environment` on top.
    static func childEnvironment(_ environment: [String: String]) -> [String: String] {
        var inherited = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("TIDEPOOL_") && !$0.key.hasPrefix("SESSION_") && !$0.key.hasPrefix("BROWSER_")
        }
        inherited["TIDEPOOL_ALLOW_NETWORKS"] = "127.0.0.0/8"
        return inherited.merging(environment) { _, new in new }
    }

    /// Starts `tidepool serve` with `arguments` and `environment` added to this process's own
    /// (minus any TIDEPOOL_/SESSION_/BROWSER_ variable the caller does not set; the pool starts
    /// without browsers unless the caller sets BROWSER_MIN_POOL_SIZE / BROWSER_INITIAL_POOL_SIZE, or
    /// passes `sizedToTheMachine` to keep the sizes `tidepool serve` derives by itself).
    init(arguments: [String], environment: [String: String] = [:], logs: String, sizedToTheMachine: Bool = false) throws {
        output = logs + "/stdout-\(UUID().uuidString).txt"
        errors = logs + "/stderr-\(UUID().uuidString).txt"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve"] + arguments
        // No browser until a test renders (or asks for browsers): most tests only need sessions.
        let noBrowsers = sizedToTheMachine ? [:] : ["BROWSER_MIN_POOL_SIZE": "0", "BROWSER_INITIAL_POOL_SIZE": "0"]
        process.environment = Self.childEnvironment(noBrowsers.merging(environment) { _, new in new })
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
    }

    /// Waits (at most 60 s) for the "listening on" line; throws when the process exits first.
    func waitUntilListening() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("tidepool listening on ") }) {
                baseURL = String(line.dropFirst("tidepool listening on ".count))
                return
            }
            guard process.isRunning else { throw Failure(message: "tidepool exited \(process.terminationStatus): \(stderr)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(message: "tidepool did not start within 60 s: \(stderr)")
    }

    /// Sends `signal` and waits (at most 30 s) for the exit; returns the exit status.
    @discardableResult
    func stop(with signal: Int32) async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure(message: "tidepool did not exit within 30 s of signal \(signal); its log ends: \(stderr.suffix(3000))")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits (at most 30 s) for the process to exit on its own; returns the exit status.
    func waitForExit() async throws -> Int32 {
        let deadline = ContinuousClock.now + .seconds(30)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        return try await stop(with: SIGKILL)
    }

    var stdout: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "" }

    deinit {
        // Never leave a server behind, whatever the test did.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
