import RenderTypes
@testable import RpcClient
import RpcServer
import SessionContext
import Testing
import TestSupport

/// `health`, `rpc.discover`, the bearer token and the client's own life cycle.
@Suite(.serialized) struct ServerCallTests {
    @Test func healthReportsTheServersStatusAndSessionStore() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "one")
                let health = try await client.health()
                #expect(health.isHealthy)
                #expect(health.sessions == ServerHealth.Sessions(backend: "memory", ok: true, count: 1))
                #expect(!health.version.isEmpty)
            }
        }
    }

    @Test func discoverListsEveryMethodTheClientCalls() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                let document = try await client.discover()
                let served = Set(document.methods.map(\.name))
                let called: Set<String> = [
                    "session.create", "session.get", "session.list", "session.extend", "session.set_metadata",
                    "session.delete", "session.stats", "session.cleanup", "cookies.get", "cookies.set",
                    "cookies.delete", "cookies.clear", "usage.get", "health", "rpc.discover",
                ]
                #expect(called.subtracting(served).isEmpty, "served: \(served.sorted())")
                #expect(document.method(named: "session.get")?.params.map(\.name) == ["session_id"])
                #expect(document.method(named: "session.get")?.errors.map(\.code).contains(-32001) == true)
            }
        }
    }

    @Test func bearerTokenIsSentWhenConfigured() async throws {
        try await TestServer.run(http: HTTPConfiguration(port: 0, bearerToken: "s3cret")) { server in
            try await server.withClient(.testing { $0.token = "s3cret" }) { client in
                let health = try await client.health()
                #expect(health.isHealthy)
            }
        }
    }

    @Test func missingTokenIsHTTP401() async throws {
        try await TestServer.run(http: HTTPConfiguration(port: 0, bearerToken: "s3cret")) { server in
            try await server.withClient { client in
                let error = await #expect(throws: RpcError.self) { try await client.health() }
                guard case .httpStatus(401, _)? = error else {
                    Issue.record("expected HTTP 401, got \(String(describing: error))")
                    return
                }
                #expect(error?.description.contains("Configuration.token") == true)
            }
        }
    }

    @Test func serverURLWithoutPathPostsToRpc() throws {
        #expect(try RpcClient.endpointURL("http://127.0.0.1:9123") == "http://127.0.0.1:9123/rpc")
        #expect(try RpcClient.endpointURL("http://127.0.0.1:9123/") == "http://127.0.0.1:9123/rpc")
        #expect(try RpcClient.endpointURL("https://tidepool.internal/api/rpc") == "https://tidepool.internal/api/rpc")
    }

    @Test func serverURLThatIsNotHTTPIsRefused() {
        for bad in ["", "127.0.0.1:9123", "ftp://host/rpc", "http://"] {
            #expect(throws: RpcError.self, "\(bad)") { try RpcClient.endpointURL(bad) }
        }
    }

    @Test func callsAfterShutdownFailWithClientShutDown() async throws {
        try await TestServer.run { server in
            let client = try RpcClient(url: server.baseURL, configuration: .quietTest)
            #expect(try await client.health().isHealthy)
            await client.shutdown()
            await client.shutdown()
            await #expect(throws: RpcError.clientShutDown) { try await client.health() }
        }
    }

    @Test func unreachableServerIsConnectionFailed() async throws {
        try await withRefusingPort { port in
            try await RpcClient.withClient(url: "http://127.0.0.1:\(port)", configuration: .testing { $0.retryPolicy = .none }) { client in
                let error = await #expect(throws: RpcError.self) { try await client.health() }
                guard case .connectionFailed(let url, _)? = error else {
                    Issue.record("expected connectionFailed, got \(String(describing: error))")
                    return
                }
                #expect(url == "http://127.0.0.1:\(port)/rpc")
            }
        }
    }
}
