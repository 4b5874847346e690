import Foundation
import RenderTypes
import Testing
@testable import RpcServer

/// Every example of the JSON-RPC 2.0 specification, section 7, sent exactly as written and
/// compared with the response the specification shows. Where SPEC adds a `data` member
/// (-32601 carries `{"method": …}`), the expectation adds it and says so.
@Suite struct SpecificationExampleTests {
    let engine = RpcEngine(registry: SpecExampleMethods.registry())

    @Test func positionalParams() async throws {
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#)
            == json(#"{"jsonrpc": "2.0", "result": 19, "id": 1}"#))
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#)
            == json(#"{"jsonrpc": "2.0", "result": -19, "id": 2}"#))
    }

    @Test func namedParams() async throws {
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#)
            == json(#"{"jsonrpc": "2.0", "result": 19, "id": 3}"#))
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#)
            == json(#"{"jsonrpc": "2.0", "result": 19, "id": 4}"#))
    }

    @Test func notificationsGetNoResponse() async throws {
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#) == nil)
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": "foobar"}"#) == nil)
    }

    @Test func nonExistentMethod() async throws {
        // SPEC adds data {"method": …} to the specification's example.
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#)
            == json(#"{"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found", "data": {"method": "foobar"}}, "id": "1"}"#))
    }

    @Test func invalidJSON() async throws {
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#)
            == json(#"{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}"#))
    }

    @Test func invalidRequestObject() async throws {
        #expect(try await answer(engine, #"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#)
            == json(#"{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}"#))
    }

    @Test func batchWithInvalidJSON() async throws {
        let body = """
            [
              {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
              {"jsonrpc": "2.0", "method"
            ]
            """
        #expect(try await answer(engine, body)
            == json(#"{"jsonrpc": "2.0", "error": {"code": -32700, "message": "Parse error"}, "id": null}"#))
    }

    @Test func emptyArray() async throws {
        #expect(try await answer(engine, "[]")
            == json(#"{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}"#))
    }

    @Test func invalidBatchOfOne() async throws {
        #expect(try await answer(engine, "[1]")
            == json(#"[{"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}]"#))
    }

    @Test func invalidBatchOfThree() async throws {
        #expect(try await answer(engine, "[1,2,3]")
            == json("""
                [
                  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
                  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
                  {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null}
                ]
                """))
    }

    @Test func mixedBatch() async throws {
        let body = """
            [
                {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
                {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
                {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
                {"foo": "boo"},
                {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
                {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
            ]
            """
        // SPEC adds data {"method": …} to -32601.
        #expect(try await answer(engine, body)
            == json("""
                [
                    {"jsonrpc": "2.0", "result": 7, "id": "1"},
                    {"jsonrpc": "2.0", "result": 19, "id": "2"},
                    {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
                    {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found", "data": {"method": "foo.get"}}, "id": "5"},
                    {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
                ]
                """))
    }

    @Test func batchOfNotificationsOnly() async throws {
        let body = """
            [
                {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
                {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
            ]
            """
        #expect(try await answer(engine, body) == nil)
    }
}
