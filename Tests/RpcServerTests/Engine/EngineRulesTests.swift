import Foundation
import RenderTypes
import Testing
@testable import RpcServer

/// The engine's rules beyond the specification's examples: ids, strict params, error mapping,
/// notifications, batch bounds.
@Suite struct EngineRulesTests {
    let engine = RpcEngine(registry: EngineTestMethods.registry())

    @Test(arguments: [#""abc""#, "7", "-3", "1.5", "null", #""""#, #""ünï\"cødé""#])
    func idIsEchoedExactly(id: String) async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":{"name":"x"},"id":\#(id)}"#)
        #expect(response?["id"] == (try json(id)))
        #expect(response?["result"]?["name"] == "x")
    }

    @Test func unknownParamFieldIsRejectedWithItsName() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":{"name":"x","cuont":2},"id":1}"#)
        #expect(response?["error"] == (try json(#"{"code":-32602,"message":"Invalid params","data":{"field":"cuont","reason":"unknown field"}}"#)))
    }

    @Test func unknownNestedFieldIsRejectedWithItsPath() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":{"name":"x","config":{"timeout_ms":5,"timeout":5}},"id":1}"#)
        #expect(response?["error"]?["data"] == (try json(#"{"field":"config.timeout","reason":"unknown field"}"#)))
    }

    @Test func wrongTypeNamesFieldAndExpectedType() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":{"name":"x","count":"two"},"id":1}"#)
        #expect(response?["error"]?["code"] == -32602)
        #expect(response?["error"]?["data"]?["field"] == "count")
        #expect(response?["error"]?["data"]?["reason"] == "expected integer, found string")
    }

    @Test func wrongNestedTypeNamesItsPath() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":{"name":"x","config":{"timeout_ms":1.5}},"id":1}"#)
        #expect(response?["error"]?["data"] == (try json(#"{"field":"config.timeout_ms","reason":"expected integer, found number"}"#)))
    }

    @Test func missingRequiredParamIsNamed() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":{},"id":1}"#)
        #expect(response?["error"]?["data"] == (try json(#"{"field":"name","reason":"required field is missing"}"#)))
    }

    @Test func absentParamsCountAsEmpty() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","id":1}"#)
        #expect(response?["error"]?["data"]?["field"] == "name")
    }

    @Test func positionalParamsMapOntoDocumentedOrder() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":["x",3],"id":1}"#)
        #expect(response?["result"] == (try json(#"{"name":"x","count":3}"#)))
    }

    @Test func tooManyPositionalParamsAreRejected() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":["x",3,{},4],"id":1}"#)
        #expect(response?["error"]?["code"] == -32602)
        #expect(response?["error"]?["data"]?["field"] == "[3]")
    }

    @Test func byNameMethodRefusesAnArray() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"named_only","params":[1],"id":1}"#)
        #expect(response?["error"]?["data"] == (try json(#"{"field":"","reason":"expected object, found array"}"#)))
    }

    @Test func unknownRequestMemberIsInvalidRequestEchoingTheId() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","parms":{"name":"x"},"id":8}"#)
        #expect(response == (try json(#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":8}"#)))
    }

    @Test func wrongVersionIsInvalidRequest() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"1.0","method":"echo","params":{"name":"x"},"id":8}"#)
        #expect(response?["error"]?["code"] == -32600)
    }

    @Test func objectIdIsInvalidRequestAnsweredWithNull() async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":{"name":"x"},"id":{"a":1}}"#)
        #expect(response == (try json(#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}"#)))
    }

    @Test(arguments: EngineTestMethods.sampleErrors.keys.filter { $0 != -32603 }.sorted())
    func typedErrorsMapToSpecCodeAndData(code: Int) async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"fail","params":{"code":\#(code)},"id":1}"#)
        let expected: [Int: String] = [
            -32602: #"{"field":"config.wait_for.timeout_ms","reason":"must be between 1 and 120000"}"#,
            -32001: #"{"session_id":"abc"}"#,
            -32002: #"{"session_id":"abc","expired_at":"2027-01-15T08:00:00.000Z"}"#,
            -32003: #"{"session_id":"abc","max_requests":5}"#,
            -32004: #"{"stage":"wait","elapsed_ms":1500}"#,
            -32005: #"{"url":"http://nowhere.invalid/","net_error":"net::ERR_NAME_NOT_RESOLVED"}"#,
            -32006: #"{"retry_after_ms":250,"queue_length":1000}"#,
            -32007: #"{"scope":"bytes","limit":10,"used":11}"#,
            -32008: #"{"retried":true}"#,
            -32009: #"{"url":"file:///etc/passwd","reason":"scheme file is not allowed"}"#,
            -32010: #"{"action_index":2,"reason":"selector #x not found"}"#,
        ]
        #expect(response?["error"]?["code"] == .int(code))
        #expect(response?["error"]?["message"] == .string(RpcErrorCode(rawValue: code)!.defaultMessage))
        #expect(response?["error"]?["data"] == (try json(expected[code]!)))
    }

    @Test(arguments: [-32603, 0])
    func internalErrorsCarryOnlyARequestID(code: Int) async throws {
        let response = try await answer(engine, #"{"jsonrpc":"2.0","method":"fail","params":{"code":\#(code)},"id":1}"#)
        let error = try #require(response?["error"])
        #expect(error["code"] == -32603)
        #expect(error["message"] == "Internal error")
        #expect(error["data"]?.objectValue?.keys.sorted() == ["request_id"])
        #expect(error["data"]?["request_id"]?.stringValue?.hasPrefix("req_") == true)
        #expect(!error.jsonString().contains("secret"))
    }

    @Test func failingNotificationGetsNoResponse() async throws {
        #expect(try await answer(engine, #"{"jsonrpc":"2.0","method":"fail","params":{"code":-32001}}"#) == nil)
        #expect(try await answer(engine, #"{"jsonrpc":"2.0","method":"echo","params":{"bad":1}}"#) == nil)
    }

    @Test func primitiveBodyIsInvalidRequest() async throws {
        #expect(try await answer(engine, "42")
            == json(#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}"#))
    }

    @Test func batchAnswersInRequestOrderWithoutNotifications() async throws {
        let body = (0..<20).map { i in
            i % 3 == 0
                ? #"{"jsonrpc":"2.0","method":"echo","params":{"name":"n\#(i)"}}"#
                : #"{"jsonrpc":"2.0","method":"echo","params":{"name":"c\#(i)"},"id":\#(i)}"#
        }.joined(separator: ",")
        let response = try #require(try await answer(engine, "[\(body)]")?.arrayValue)
        let ids = response.compactMap { $0["id"]?.intValue }
        #expect(ids == (0..<20).filter { $0 % 3 != 0 })
        #expect(response.allSatisfy { $0["result"]?["name"] == .string("c\($0["id"]!.intValue!)") })
    }

    @Test func batchLargerThanTheLimitIsOneInvalidRequest() async throws {
        let small = RpcEngine(registry: EngineTestMethods.registry(), configuration: .init(maxBatchSize: 3))
        let call = #"{"jsonrpc":"2.0","method":"echo","params":{"name":"x"},"id":1}"#
        #expect(try await answer(small, "[\(call),\(call),\(call)]")?.arrayValue?.count == 3)
        #expect(try await answer(small, "[\(call),\(call),\(call),\(call)]")
            == json(#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}"#))
    }

    @Test func batchCallsRunConcurrentlyUpToTheBound() async throws {
        let concurrency = EngineTestMethods.Concurrency()
        let bounded = RpcEngine(
            registry: EngineTestMethods.registry(concurrency: concurrency, rendezvous: 4),
            configuration: .init(maxConcurrentBatchCalls: 4)
        )
        let body = (0..<12).map { #"{"jsonrpc":"2.0","method":"slow","id":\#($0)}"# }.joined(separator: ",")
        let response = try #require(try await answer(bounded, "[\(body)]")?.arrayValue)
        #expect(response.count == 12)
        // Each call waits for 4 running at once; more than 4 would mean the bound is not applied.
        #expect(concurrency.peak == 4)
    }
}
