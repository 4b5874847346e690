import Foundation
import RenderTypes
import RpcServer
import Testing
import TestSupport

/// The real `tidepool serve` with a tenants file: refused at start when the file is bad, reloaded on
/// SIGHUP (a key added, another revoked, no restart; a bad file keeps the tenants read before), and
/// `tidepool tenant new-key`'s lines working once pasted.
@Suite(.serialized) struct TenantServeTests {
    static let list = #"{"jsonrpc":"2.0","method":"session.list","id":1}"#

    @Test func aBadTenantsFileIsRefusedAtStartNamingTheFileTheTenantAndTheField() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/tenants.json"
        let good = TenantKey.hexDigest(of: "k")
        try #"{"tenants":[{"id":"acme","keys_sha256":["\#(good)","not-a-hash"]}]}"#.write(
            toFile: file, atomically: true, encoding: .utf8)
        let server = try ServeProcess(
            arguments: ["--port", "0", "--session-backend", "memory"], environment: ["TIDEPOOL_TENANTS_FILE": file],
            logs: directory.path)
        let status = try await server.waitForExit()
        #expect(status == 2)
        #expect(server.stderr.contains(#"tidepool: tenants file \#(file): tenant "acme": keys_sha256[1]: must be 64 hex digits"#))
        #expect(server.stdout.isEmpty)
    }

    @Test func aMissingTenantsFileIsRefusedAtStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try ServeProcess(
            arguments: ["--port", "0", "--session-backend", "memory", "--tenants-file", directory.path + "/nope.json"],
            logs: directory.path)
        #expect(try await server.waitForExit() == 2)
        #expect(server.stderr.contains("tenants file \(directory.path)/nope.json: cannot be read"))
    }

    @Test func sighupAddsAKeyAndRevokesAnotherWithoutARestart() async throws {
        try await TestTenants.withTwo { two in try await sighupAddsAKeyAndRevokesAnother(two) }
    }

    func sighupAddsAKeyAndRevokesAnother(_ two: TwoTenants) async throws {
        let (file, acme, globex) = (two.file, two.acme, two.globex)
        let server = try ServeProcess(
            arguments: ["--port", "0", "--data-dir", two.directory + "/data", "--tenants-file", file], logs: two.directory)
        try await server.waitUntilListening()
        _ = try await KeyedCaller(server, key: acme).result("session.create", ["session_id": "kept"])
        let pid = server.process.processIdentifier

        // Rotate acme's key, revoke globex's.
        let rotated = TenantKey.generate()
        try TestTenants(keys: [("acme", [rotated]), ("globex", [])]).write(to: file)
        kill(pid, SIGHUP)
        try await eventually("the new key works") {
            (try? await KeyedCaller(server, key: rotated).rpc(Self.list).status) == 200
        }
        #expect(try await KeyedCaller(server, key: acme).rpc(Self.list).status == 401)
        #expect(try await KeyedCaller(server, key: globex).rpc(Self.list).status == 401)
        let sessions = try await KeyedCaller(server, key: rotated).result("session.list")["sessions"]?.arrayValue ?? []
        #expect(sessions.map { $0["session_id"] } == ["kept"])
        #expect(server.stderr.contains("tenants file reloaded"))

        // A bad file on reload: one error line, and the tenants read before stay.
        try #"{"tenants":[{"id":"acme","keys_sha256":["zz"]}]}"#.write(toFile: file, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        try await eventually("the refusal is logged") { server.stderr.contains("tenants file not reloaded") }
        let refusals = server.stderr.split(separator: "\n").filter { $0.contains("tenants file not reloaded") }
        #expect(refusals.count == 1)
        #expect(refusals.first?.contains(#"tenant "acme": keys_sha256[0]: must be 64 hex digits"#) == true)
        #expect(try await KeyedCaller(server, key: rotated).rpc(Self.list).status == 200)
        #expect(server.process.processIdentifier == pid && server.process.isRunning)
        #expect(try await server.stop(with: SIGTERM) == 0)
    }

    @Test func newKeyPrintsAKeyAndALineThatWorkOncePasted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await BrowserSuites.CLITests.tidepool(["tenant", "new-key", "--tenant", "acme"], in: directory.path)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let key = try #require(lines.dropFirst().first)
        #expect(key.utf8.count == 64)
        #expect(lines.contains("\"\(TenantKey.hexDigest(of: key))\""))
        let entry = try #require(lines.first { $0.hasPrefix(#"{"id""#) })
        try #"{"tenants": [\#(entry)]}"#.write(toFile: directory.path + "/tenants.json", atomically: true, encoding: .utf8)

        let server = try ServeProcess(
            arguments: ["--port", "0", "--session-backend", "memory", "--tenants-file", directory.path + "/tenants.json"],
            logs: directory.path)
        try await server.waitUntilListening()
        _ = try await KeyedCaller(server, key: key).result("session.create", ["session_id": "pasted"])
        #expect(try await KeyedCaller(server, key: String(key.reversed())).rpc(Self.list).status == 401)
        try await server.stop(with: SIGTERM)

        let again = try await BrowserSuites.CLITests.tidepool(["tenant", "new-key"], in: directory.path)
        #expect(again.status == 0)
        #expect(!again.stdout.contains(key))
        let bad = try await BrowserSuites.CLITests.tidepool(["tenant", "new-key", "--tenant", "a/b"], in: directory.path)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--tenant \"a/b\""))
    }
}
