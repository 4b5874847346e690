import NIOHTTP1
@testable import RpcServer
import Testing
import TestSupport

/// Bearer token (TIDEPOOL_TOKEN): /rpc and /metrics need it, /health does not.
@Suite(.serialized) struct AuthTests {
    static let token = "s3cret-token"
    static let http = HTTPConfiguration(port: 0, bearerToken: token)
    static let call = #"{"jsonrpc":"2.0","method":"health","id":1}"#

    @Test func rpcWithoutTokenAnswers401() async throws {
        try await TestServer.run(http: Self.http) { server in
            let answer = try await server.rpc(Self.call)
            #expect(answer.status == 401)
            #expect(answer.headers["WWW-Authenticate"].first?.hasPrefix("Bearer") == true)
        }
    }

    @Test(arguments: ["Bearer wrong", "Bearer s3cret-toke", "Bearer s3cret-token2", "Basic czNjcmV0LXRva2Vu", "s3cret-token", "Bearer "])
    func rpcWithWrongTokenAnswers401(authorization: String) async throws {
        try await TestServer.run(http: Self.http) { server in
            let answer = try await server.rpc(
                Self.call, headers: [("Content-Type", "application/json"), ("Authorization", authorization)]
            )
            #expect(answer.status == 401)
        }
    }

    @Test(arguments: ["Bearer s3cret-token", "bearer s3cret-token"])
    func rpcWithTokenIsServed(authorization: String) async throws {
        try await TestServer.run(http: Self.http) { server in
            let answer = try await server.rpc(
                Self.call, headers: [("Content-Type", "application/json"), ("Authorization", authorization)]
            )
            #expect(answer.status == 200)
        }
    }

    @Test func metricsNeedTheToken() async throws {
        try await TestServer.run(http: Self.http) { server in
            let without = try await server.request(.GET, "/metrics", headers: [])
            let with = try await server.request(.GET, "/metrics", headers: [("Authorization", "Bearer \(Self.token)")])
            #expect(without.status == 401)
            #expect(with.status == 200)
        }
    }

    @Test func healthStaysOpen() async throws {
        try await TestServer.run(http: Self.http) { server in
            let answer = try await server.request(.GET, "/health", headers: [])
            #expect(answer.status == 200)
        }
    }

    @Test func withoutConfiguredTokenEverythingIsOpen() async throws {
        try await TestServer.run { server in
            let answer = try await server.rpc(Self.call)
            #expect(answer.status == 200)
        }
    }
}

@Suite struct ConstantTimeTests {
    @Test func equalBytesCompareEqual() {
        #expect(ConstantTime.equals(Array("abc".utf8), Array("abc".utf8)))
        #expect(ConstantTime.equals([UInt8](), []))
    }

    @Test(arguments: ["", "ab", "abd", "abcd", "xbc", "ABC"])
    func differentBytesCompareUnequal(given: String) {
        #expect(!ConstantTime.equals(Array(given.utf8), Array("abc".utf8)))
    }

    @Test func lengthsDifferingBy256AreUnequal() {
        // The length check must not truncate to a byte.
        #expect(!ConstantTime.equals([UInt8](repeating: 0, count: 256), []))
    }
}
