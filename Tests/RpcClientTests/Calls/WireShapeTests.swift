import Foundation
import RenderTypes
import SessionContext
import Testing
@testable import RpcServer

/// The shared wire shapes the client decodes agree with what the server encodes, field for field,
/// until the server adopts them (then these tests become trivially true and can go).
struct WireShapeTests {
    @Test func sharedServerHealthEncodesLikeTheServersHealthReport() throws {
        let server = RpcServer.HealthReport(
            status: .unhealthy, version: "9.9", uptimeSecs: 42,
            sessions: .init(backend: "sqlite", ok: false, count: nil, error: "disk full"), pool: .null
        )
        let shared = RenderTypes.ServerHealth(
            status: .unhealthy, version: "9.9", uptimeSecs: 42,
            sessions: .init(backend: "sqlite", ok: false, error: "disk full")
        )
        let serverJSON = try JSONValue(encoding: server)
        #expect(try JSONValue(encoding: shared) == serverJSON)
        #expect(try StrictJSONDecoder().decode(RenderTypes.ServerHealth.self, from: serverJSON) == shared)
    }

    @Test func sharedSessionParamsDecodeStrictlyAsTheServersDo() throws {
        let params = SessionContext.SessionCreateParams(
            sessionId: "p", ttlSecs: 60, autoRenew: false, maxRequests: 3, metadata: ["a": 1], profile: "work", keepWarm: true
        )
        let json = try JSONValue(encoding: params)
        let decoded = try RpcServer.SessionCreateParams.decode(params: json)
        #expect(decoded.sessionId == "p")
        #expect(decoded.ttlSecs == 60)
        #expect(decoded.autoRenew == false)
        #expect(decoded.maxRequests == 3)
        #expect(decoded.metadata == ["a": 1])
        #expect(decoded.profile == "work")
        #expect(decoded.keepWarm == true)
        #expect(try StrictJSONDecoder().decode(SessionContext.SessionCreateParams.self, from: json) == params)
    }
}
