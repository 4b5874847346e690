import Foundation
import NIOHTTP1
@testable import Rendering
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// SPEC "HTTP surface", through a real server on an ephemeral port.
@Suite(.serialized) struct HTTPSurfaceTests {
    @Test func rpcCallAnswers200WithTheResponse() async throws {
        try await TestServer.run { server in
            let answer = try await server.rpc(#"{"jsonrpc":"2.0","method":"health","id":"h1"}"#)
            #expect(answer.status == 200)
            #expect(answer.headers["Content-Type"].first == "application/json")
            #expect(try answer.json["id"] == "h1")
            #expect(try answer.json["result"]?["status"] == "healthy")
        }
    }

    @Test func rpcErrorsAnswer200() async throws {
        try await TestServer.run { server in
            let answer = try await server.rpc(#"{"jsonrpc":"2.0","method":"nope","id":1}"#)
            #expect(answer.status == 200)
            #expect(try answer.json["error"]?["code"] == -32601)
        }
    }

    @Test func parseErrorAnswers200WithNullId() async throws {
        try await TestServer.run { server in
            let answer = try await server.rpc(#"{"jsonrpc":"2.0","#)
            #expect(answer.status == 200)
            #expect(try answer.json == (try json(#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#)))
        }
    }

    @Test func notificationAnswers204() async throws {
        try await TestServer.run { server in
            let answer = try await server.rpc(#"{"jsonrpc":"2.0","method":"health"}"#)
            #expect(answer.status == 204)
            #expect(answer.body.isEmpty)
        }
    }

    @Test func batchOfNotificationsAnswers204() async throws {
        try await TestServer.run { server in
            let answer = try await server.rpc(#"[{"jsonrpc":"2.0","method":"health"},{"jsonrpc":"2.0","method":"session.stats"}]"#)
            #expect(answer.status == 204)
        }
    }

    @Test func mixedBatchAnswersAnArrayWithoutNotifications() async throws {
        try await TestServer.run { server in
            let answer = try await server.rpc(
                #"[{"jsonrpc":"2.0","method":"health","id":1},{"jsonrpc":"2.0","method":"health"},{"jsonrpc":"2.0","method":"session.stats","id":2}]"#
            )
            #expect(answer.status == 200)
            #expect(try answer.json.arrayValue?.compactMap { $0["id"]?.intValue } == [1, 2])
        }
    }

    @Test func bodyOverTheLimitAnswers413() async throws {
        try await TestServer.run(http: HTTPConfiguration(port: 0, maxBodyBytes: 1024)) { server in
            let padding = String(repeating: "x", count: 2000)
            let answer = try await server.rpc(#"{"jsonrpc":"2.0","method":"health","id":"\#(padding)"}"#)
            #expect(answer.status == 413)
        }
    }

    @Test func bodyAtTheLimitIsServed() async throws {
        try await TestServer.run(http: HTTPConfiguration(port: 0, maxBodyBytes: 1024)) { server in
            let prefix = #"{"jsonrpc":"2.0","method":"health","id":""#
            let padding = String(repeating: "x", count: 1024 - prefix.utf8.count - 2)
            let body = prefix + padding + #""}"#
            #expect(body.utf8.count == 1024)
            let status = try await server.rpc(body).status
            #expect(status == 200)
        }
    }

    @Test func chunkedBodyOverTheLimitAnswers413() async throws {
        // No Content-Length: the limit is enforced while reading.
        try await TestServer.run(http: HTTPConfiguration(port: 0, maxBodyBytes: 1024)) { server in
            let answer = try await server.rpcChunked(#"{"jsonrpc":"2.0","method":"health","id":1}"# + String(repeating: " ", count: 4096))
            #expect(answer.status == 413)
        }
    }

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
    func nonJSONContentTypeAnswers415(contentType: String) async throws {
        #expect(try await Self.healthStatus(contentType: contentType) == 415)
    }

    @Test(arguments: ["application/json; charset=utf-8", "application/json-rpc", "application/vnd.api+json"])
    func jsonContentTypesAreAccepted(contentType: String) async throws {
        #expect(try await Self.healthStatus(contentType: contentType) == 200)
    }

    /// The HTTP status of a `health` call sent with `contentType`.
    static func healthStatus(contentType: String) async throws -> Int {
        var status = 0
        try await TestServer.run { server in
            status = try await server.rpc(
                #"{"jsonrpc":"2.0","method":"health","id":1}"#, headers: [("Content-Type", contentType)]
            ).status
        }
        return status
    }

    @Test func getOnRpcAnswers405WithAllow() async throws {
        try await TestServer.run { server in
            let answer = try await server.request(.GET, "/rpc")
            #expect(answer.status == 405)
            #expect(answer.headers["Allow"].first == "POST")
        }
    }

    @Test func postOnHealthAnswers405() async throws {
        try await TestServer.run { server in
            let status = try await server.request(.POST, "/health", body: "{}").status
            #expect(status == 405)
        }
    }

    @Test func unknownPathAnswers404() async throws {
        try await TestServer.run { server in
            let status = try await server.request(.GET, "/nope").status
            #expect(status == 404)
        }
    }

    @Test func healthReportsStatusSessionsAndNullPool() async throws {
        try await TestServer.run { server in
            _ = try await server.result("session.create", ["session_id": "h"])
            let answer = try await server.request(.GET, "/health")
            #expect(answer.status == 200)
            let health = try answer.json
            #expect(health["status"] == "healthy")
            #expect(health["version"] == .string(TidepoolVersion.current))
            #expect(health["sessions"] == (try json(#"{"backend":"memory","ok":true,"count":1}"#)))
            #expect(health["pool"] == .null)
        }
    }

    @Test func healthMethodAnswersWhatGetHealthAnswers() async throws {
        try await TestServer.run { server in
            var viaRPC = try await server.result("health")
            var viaGET = try await server.request(.GET, "/health").json
            // Uptime may tick between the two calls.
            viaRPC = try #require(viaRPC.objectValue).filter { $0.key != "uptime_secs" }.json
            viaGET = try #require(viaGET.objectValue).filter { $0.key != "uptime_secs" }.json
            #expect(viaRPC == viaGET)
        }
    }

    @Test func unhealthyStoreAnswers503() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sessions = SessionsConfiguration(dataDirectory: directory.path, healthCountMaxAge: .zero)
        try await TestServer.run(sessions: sessions) { server in
            try await server.store.close()
            let answer = try await server.request(.GET, "/health")
            #expect(answer.status == 503)
            #expect(try answer.json["status"] == "unhealthy")
            #expect(try answer.json["sessions"]?["ok"] == false)
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    var json: JSONValue { .object(self) }
}
