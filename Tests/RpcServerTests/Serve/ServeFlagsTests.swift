import Foundation
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

/// The real `tidepool serve` binary's flags, generated from the settings table: its help, the
/// `--flag=value` spelling, and what it refuses.
@Suite(.serialized) struct ServeFlagsTests {
    @Test func helpListsEverySettingWithItsVariableAndItsDefault() async throws {
        let help = try await BrowserSuites.CLITests.tidepool(["serve", "--help"])
        #expect(help.status == 0)
        // The help wraps long entries; compare with every run of whitespace made one space.
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for setting in ServerSettings.all {
            let entry = "--\(setting.flag) <value> \(setting.help) [env: \(setting.environmentName)] "
                + "(default: \(setting.defaultValue ?? "none"))"
            #expect(text.contains(entry), "\(entry) missing from:\n\(help.stdout)")
        }
        #expect(text.contains("--log-level <level>"))
    }

    @Test func anUnknownFlagIsAUsageError() async throws {
        let run = try await BrowserSuites.CLITests.tidepool(["serve", "--port", "0", "--prot", "9000"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("Unknown option '--prot'"), "\(run.stderr)")
    }

    @Test func aBadFlagValueExitsNamingTheFlag() async throws {
        let run = try await BrowserSuites.CLITests.tidepool(["serve", "--port=ninety"])
        #expect(run.status == 2)
        #expect(run.stderr.contains(#"TIDEPOOL_PORT (--port) is "ninety""#), "\(run.stderr)")
    }

    @Test func aBadLogLevelExitsNamingTheVariable() async throws {
        let run = try await BrowserSuites.CLITests.tidepool(["serve", "--log-level", "loud"])
        #expect(run.status == 2)
        #expect(run.stderr.contains(#"TIDEPOOL_LOG_LEVEL is "loud""#), "\(run.stderr)")
    }

    @Test func flagsWithEqualsSignsWinOverTheEnvironment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try ServeProcess(
            arguments: ["--port=0", "--session-backend=memory", "--session-ttl=300", "--log-level=debug"],
            environment: ["SESSION_DEFAULT_TTL_SECS": "100"], logs: directory.path)
        try await server.waitUntilListening()
        #expect(try await server.result("session.create")["ttl_secs"] == 300)
        try await server.stop(with: SIGTERM)
        #expect(server.stderr.contains("debug"), "--log-level=debug logs at debug")
    }
}
