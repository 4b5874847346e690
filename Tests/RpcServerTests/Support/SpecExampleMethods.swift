import Foundation
import Logging
import RenderTypes
@testable import RpcServer

/// The methods the JSON-RPC 2.0 specification's examples (section 7) call.
enum SpecExampleMethods {
    struct SubtractParams: RpcParams {
        static let parameters = [
            RpcParameter("minuend", .integer, required: true),
            RpcParameter("subtrahend", .integer, required: true),
        ]
        static let paramStructure = RpcParamStructure.either
        var minuend: Int
        var subtrahend: Int
    }

    /// Any number of integers, by position (`sum`, `notify_sum`, `update`).
    struct IntegerList: RpcParams {
        static let parameters: [RpcParameter] = []
        static let paramStructure = RpcParamStructure.byPosition
        var values: [Int]

        static func decode(params: JSONValue?) throws(FieldError) -> IntegerList {
            IntegerList(values: try StrictJSONDecoder().decode([Int].self, from: params ?? .array([])))
        }

        init(values: [Int]) { self.values = values }
        init(from decoder: any Decoder) throws { values = try [Int](from: decoder) }
    }

    static func registry() -> RpcMethodRegistry {
        var registry = RpcMethodRegistry()
        registry.register(
            "subtract", summary: "minuend - subtrahend", params: SubtractParams.self,
            result: RpcResultSpec("difference", .integer)
        ) { params, _ in params.minuend - params.subtrahend }
        for name in ["sum", "notify_sum", "update", "notify_hello"] {
            registry.register(
                name, summary: "sum of integers", params: IntegerList.self, result: RpcResultSpec("sum", .integer)
            ) { params, _ in params.values.reduce(0, +) }
        }
        registry.register(
            "get_data", summary: "fixed data", params: NoParams.self, result: RpcResultSpec("data", .any)
        ) { (_: NoParams, _) -> JSONValue in ["hello", 5] }
        return registry
    }
}

/// Sends `text` to `engine` and parses the answer; nil when the engine answers nothing.
func answer(_ engine: RpcEngine, _ text: String) async throws -> JSONValue? {
    guard let bytes = await engine.handle(Array(text.utf8), logger: Logger(label: "test")) else { return nil }
    return try JSONValue(parsing: Data(bytes))
}

/// Parses a JSON literal of a test's expectation.
func json(_ text: String) throws -> JSONValue {
    try JSONValue(parsing: Data(text.utf8))
}
