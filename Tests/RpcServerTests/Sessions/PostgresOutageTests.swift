import Foundation
import NIOHTTP1
import PostgresSandbox
import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// A server whose PostgreSQL goes away: it comes up anyway, says so in /health (503 naming the
/// database) and in -32603's `data.reason`, and recovers by itself when the database is back,
/// without a restart. Each test stops a server of its own.
@Suite struct PostgresOutageTests {
    func sessions(_ server: PostgresSandbox, database: String) -> SessionsConfiguration {
        SessionsConfiguration(backend: .postgres, databaseURL: server.url(database: database), healthCountMaxAge: .zero)
    }

    @Test func aDatabaseDownAtStartIsWaitedForWhileHealthAnswers503() async throws {
        try await TestPostgres.withPrivateServer { database in
            try await database.createDatabase("late")
            try await database.stop()
            try await TestServer.run(sessions: sessions(database, database: "late")) { server in
                let health = try await server.request(.GET, "/health")
                #expect(health.status == 503)
                let error = try health.json["sessions"]?["error"]?.stringValue ?? ""
                #expect(error.contains("127.0.0.1:\(database.port)/late"), "\(error)")
                let call = try await server.call("session.create", ["session_id": "early"])
                #expect(call["error"]?["code"] == -32603)

                try await database.restart()
                try await eventually("health answers 200") { try await server.request(.GET, "/health").status == 200 }
                #expect(try await server.result("session.create", ["session_id": "late"])["session_id"] == "late")
            }
        }
    }

    @Test func aDatabaseLostWhileServingIsNamedInMinus32603AndTheServerRecovers() async throws {
        try await TestPostgres.withPrivateServer { database in
            try await database.createDatabase("lost")
            try await TestServer.run(sessions: sessions(database, database: "lost")) { server in
                try await eventually("the store is ready") { try await server.request(.GET, "/health").status == 200 }
                _ = try await server.result("session.create", ["session_id": "kept"])

                try await database.stop()
                let lost = try await server.call("session.get", ["session_id": "kept"])
                #expect(lost["error"]?["code"] == -32603)
                let reason = lost["error"]?["data"]?["reason"]?.stringValue ?? ""
                #expect(reason.contains("PostgreSQL 127.0.0.1:\(database.port)/lost"), "\(lost.jsonString())")
                #expect(lost["error"]?["data"]?["request_id"]?.stringValue?.hasPrefix("req_") == true)
                let health = try await server.request(.GET, "/health")
                #expect(health.status == 503)
                #expect(try health.json["sessions"]?["error"]?.stringValue?.contains("/lost") == true)

                try await database.restart()
                try await eventually("health answers 200") { try await server.request(.GET, "/health").status == 200 }
                #expect(try await server.result("session.get", ["session_id": "kept"])["session_id"] == "kept")
            }
        }
    }
}
