import Foundation
@testable import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// Refused changes leave the stored session untouched on every backend the server can run
/// (SQLite and PostgreSQL roll the transaction back; memory never writes).
@Suite(.serialized) struct BackendAtomicityTests {
    static let backends: [SessionsConfiguration.Backend] = [.sqlite, .memory, .postgres]

    func run(_ backend: SessionsConfiguration.Backend, _ body: (TestServer, ManualWallClock) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = manualClock()
        let sessions = SessionsConfiguration(backend: backend, dataDirectory: directory.path, healthCountMaxAge: .zero)
        try await TestServer.run(sessions: sessions, clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "a", "metadata": metadata(keys: 99)])
            _ = try await server.result(
                "cookies.set", ["session_id": "a", "cookies": [["name": "n", "value": "v", "domain": "d.test"]]]
            )
            try await body(server, clock)
        }
    }

    @Test(arguments: backends)
    func oversizedMetadataMergeChangesNothing(backend: SessionsConfiguration.Backend) async throws {
        try await run(backend) { server, clock in
            try await server.expectRefused(
                "session.set_metadata", ["session_id": "a", "metadata": ["x": 1, "y": 2]], code: -32602, field: "metadata",
                clock: clock
            )
        }
    }

    @Test(arguments: backends)
    func invalidCookieInABatchOfCookiesChangesNothing(backend: SessionsConfiguration.Backend) async throws {
        try await run(backend) { server, clock in
            let cookies: JSONValue = [["name": "ok", "value": "v", "domain": "d.test"], ["name": "", "value": "v", "domain": "d.test"]]
            try await server.expectRefused(
                "cookies.set", ["session_id": "a", "cookies": cookies], code: -32602, field: "cookies[1].name", clock: clock
            )
        }
    }

    @Test(arguments: backends)
    func tooManyCookiesChangeNothing(backend: SessionsConfiguration.Backend) async throws {
        try await run(backend) { server, clock in
            let cookies = (0..<1000).map { JSONValue.object(["name": .string("c\($0)"), "value": "v", "domain": "d.test"]) }
            try await server.expectRefused(
                "cookies.set", ["session_id": "a", "cookies": .array(cookies)], code: -32602, field: "cookies", clock: clock
            )
        }
    }

    @Test(arguments: backends)
    func extendBeyondTheMaximumChangesNothing(backend: SessionsConfiguration.Backend) async throws {
        try await run(backend) { server, clock in
            try await server.expectRefused(
                "session.extend", ["session_id": "a", "ttl_secs": 99_999_999], code: -32602, field: "ttl_secs", clock: clock
            )
        }
    }
}
