import FixtureServer
import Foundation
import NIOHTTP1
import PostgresSandbox
import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

extension BrowserSuites {
    /// Renders on a server whose sessions live in PostgreSQL, through an outage of the database:
    /// what needs no session keeps rendering, what needs one is refused naming the database, and
    /// both work again when it is back, the session's login kept.
    @Suite struct PostgresRenderTests {
        @Test func aRenderWithoutASessionKeepsWorkingWhileTheSessionDatabaseIsDown() async throws {
            try await TestPostgres.withPrivateServer { database in
                try await database.createDatabase("renders")
                try await RenderServer.with(sessions: {
                    $0.backend = .postgres
                    $0.databaseURL = database.url(database: "renders")
                }) { c in
                    try await eventually("the store is ready") { try await c.server.request(.GET, "/health").status == 200 }
                    _ = try await c.rendered(
                        "/login.html", ["session_id": "shop", "config": ["actions": loginActions(user: "ada")]])

                    try await database.stop()
                    let anonymous = try await c.rendered("/dashboard")
                    #expect(anonymous["status_code"] == 401, "rendered without the session store")
                    let refused = try await c.render("/dashboard", ["session_id": "shop"])
                    #expect(refused["error"]?["code"] == -32603)
                    let reason = refused["error"]?["data"]?["reason"]?.stringValue ?? ""
                    #expect(reason.contains("127.0.0.1:\(database.port)/renders"), "\(refused.jsonString())")

                    try await database.restart()
                    try await eventually("health answers 200") { try await c.server.request(.GET, "/health").status == 200 }
                    let dashboard = try await c.rendered("/dashboard", ["session_id": "shop"])
                    #expect(dashboard["html"]?.stringValue?.contains(#"<span id="user">ada</span>"#) == true)
                }
            }
        }
    }
}
