import AsyncHTTPClient
import Foundation
import Headless
import NIOCore
import NIOHTTP1
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

/// The real `tidepool serve` binary: persistence across kill -9, graceful SIGTERM, and the
/// precedence of flags over environment over defaults.
@Suite(.serialized) struct ServeCommandTests {
    static let cookies: JSONValue = [
        ["name": "sid", "value": "s-1", "domain": "shop.test", "path": "/", "secure": true, "http_only": true, "same_site": "Lax"],
        ["name": "cart", "value": "3", "domain": ".shop.test", "path": "/cart", "secure": false, "http_only": false, "expires": 1_900_000_000],
    ]

    @Test func sessionsSurviveKill9() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let arguments = ["--port", "0", "--data-dir", directory.path + "/data"]

        let first = try ServeProcess(arguments: arguments, logs: directory.path)
        try await first.waitUntilListening()
        for index in 0..<3 {
            let id = JSONValue.string("persist-\(index)")
            _ = try await first.result(
                "session.create",
                ["session_id": id, "ttl_secs": 3600, "max_requests": .int(index), "metadata": ["user": .int(index)]]
            )
            _ = try await first.result("cookies.set", ["session_id": id, "cookies": Self.cookies])
        }
        _ = try await first.result("session.set_metadata", ["session_id": "persist-1", "metadata": ["plan": "pro"]])
        let before = try await first.result("session.list")
        try await first.stop(with: SIGKILL)

        let second = try ServeProcess(arguments: arguments, logs: directory.path)
        try await second.waitUntilListening()
        let after = try await second.result("session.list")
        #expect(after == before)
        #expect(after["sessions"]?.arrayValue?.count == 3)
        for index in 0..<3 {
            let jar = try await second.result("cookies.get", ["session_id": .string("persist-\(index)")])
            #expect(jar["cookies"]?.arrayValue?.count == 2)
            #expect(Set(jar["cookies"]?.arrayValue ?? []) == Set(Self.cookies.arrayValue ?? []))
        }
        let metadata = try await second.result("session.get", ["session_id": "persist-1"])["metadata"]
        #expect(metadata == ["user": 1, "plan": "pro"])
        try await second.stop(with: SIGTERM)
    }

    @Test func sigtermShutsDownGracefullyAndClosesTheStore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let server = try ServeProcess(arguments: ["--port", "0", "--data-dir", data], logs: directory.path)
        try await server.waitUntilListening()
        _ = try await server.result("session.create", ["session_id": "kept"])
        let status = try await server.stop(with: SIGTERM)
        #expect(status == 0)
        #expect(server.stderr.contains("session store closed"))
        // A clean close checkpoints the WAL into the database and removes it.
        #expect(!FileManager.default.fileExists(atPath: data + "/sessions.sqlite-wal"))

        let again = try ServeProcess(arguments: ["--port", "0", "--data-dir", data], logs: directory.path)
        try await again.waitUntilListening()
        let kept = try await again.result("session.get", ["session_id": "kept"])
        #expect(kept["session_id"] == "kept")
        #expect(try await again.stop(with: SIGINT) == 0)
    }

    @Test func sigtermLetsAnInFlightRequestFinish() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.path + "/data"
        let server = try ServeProcess(arguments: ["--port", "0", "--data-dir", data], logs: directory.path)
        try await server.waitUntilListening()

        // The request's head and half its body are sent, then SIGTERM, then the rest: the request
        // is in flight when shutdown starts and must still be answered.
        let body = Array(#"{"jsonrpc":"2.0","method":"session.create","params":{"session_id":"in-flight"},"id":1}"#.utf8)
        let (chunks, sink) = AsyncStream<ByteBuffer>.makeStream()
        var request = HTTPClientRequest(url: server.baseURL + "/rpc")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .stream(chunks, length: .known(Int64(body.count)))
        async let response = HTTPClient.shared.execute(request, timeout: .seconds(30))
        sink.yield(ByteBuffer(bytes: body[..<20]))
        try await Task.sleep(for: .milliseconds(300))
        kill(server.process.processIdentifier, SIGTERM)
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.process.isRunning, "the server must wait for the in-flight request")
        sink.yield(ByteBuffer(bytes: body[20...]))
        sink.finish()
        let answer = try await response
        let text = String(buffer: try await answer.body.collect(upTo: 1 << 20))
        #expect(answer.status == .ok)
        #expect(try JSONValue(parsing: Data(text.utf8))["result"]?["session_id"] == "in-flight")
        #expect(try await server.stop(with: SIGTERM) == 0)

        let again = try ServeProcess(arguments: ["--port", "0", "--data-dir", data], logs: directory.path)
        try await again.waitUntilListening()
        let stored = try await again.result("session.get", ["session_id": "in-flight"])
        #expect(stored["session_id"] == "in-flight")
        try await again.stop(with: SIGTERM)
    }

    @Test func flagWinsOverEnvironmentWhichWinsOverDefault() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = ["--port", "0", "--session-backend", "memory"]
        let environment = ["SESSION_DEFAULT_TTL_SECS": "100"]

        let byDefault = try ServeProcess(arguments: base, logs: directory.path)
        let byEnvironment = try ServeProcess(arguments: base, environment: environment, logs: directory.path)
        let byFlag = try ServeProcess(arguments: base + ["--session-ttl", "200"], environment: environment, logs: directory.path)
        var ttls: [JSONValue?] = []
        for server in [byDefault, byEnvironment, byFlag] {
            try await server.waitUntilListening()
            ttls.append(try await server.result("session.create")["ttl_secs"])
            try await server.stop(with: SIGTERM)
        }
        #expect(ttls == [86_400, 100, 200])
    }

    @Test func thePoolIsSizedToTheMachineAndSaysSoUnlessTold() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = ["--port", "0", "--session-backend", "memory"]
        let sized = BrowserPoolConfig.sized(for: .current())
        let derived = try ServeProcess(arguments: base, logs: directory.path, sizedToTheMachine: true)
        try await derived.waitUntilListening()
        try await derived.stop(with: SIGTERM)
        #expect(derived.stderr.contains(sized.sizingSummary(for: .current())), "\(derived.stderr)")
        #expect(derived.stderr.contains("pool.sizes=derived from the machine"))

        let told = try ServeProcess(
            arguments: base + ["--contexts-per-browser", "3"], logs: directory.path, sizedToTheMachine: true)
        try await told.waitUntilListening()
        // The pool serves what was told: 3 leases at once per ready browser.
        var stats: JSONValue = .null
        try await eventually("a ready browser") {
            stats = try await told.result("pool.stats")
            return (stats["ready_browsers"]?.intValue ?? 0) >= 1
        }
        try await told.stop(with: SIGTERM)
        #expect(stats["capacity"]?.intValue == 3 * (stats["ready_browsers"]?.intValue ?? 0), "\(stats)")
        #expect(told.stderr.contains("\(sized.minPoolSize)…\(sized.maxPoolSize), 3 contexts each"), "\(told.stderr)")
        #expect(told.stderr.contains("pool.sizes=given: contexts-per-browser"))
    }

    @Test func badEnvironmentValueExitsNamingTheVariable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try ServeProcess(arguments: [], environment: ["TIDEPOOL_PORT": "ninety"], logs: directory.path)
        let status = try await server.waitForExit()
        #expect(status == 2)
        #expect(server.stderr.contains("TIDEPOOL_PORT (--port) is \"ninety\""))
    }

    @Test func tokenFromEnvironmentGuardsRpc() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try ServeProcess(
            arguments: ["--port", "0", "--session-backend", "memory"], environment: ["TIDEPOOL_TOKEN": "t0k"],
            logs: directory.path
        )
        try await server.waitUntilListening()
        let denied = try await server.rpc(#"{"jsonrpc":"2.0","method":"health","id":1}"#)
        let allowed = try await server.rpc(
            #"{"jsonrpc":"2.0","method":"health","id":1}"#,
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer t0k")]
        )
        #expect(denied.status == 401)
        #expect(allowed.status == 200)
        try await server.stop(with: SIGTERM)
    }
}
