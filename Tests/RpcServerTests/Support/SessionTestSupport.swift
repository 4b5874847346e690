import Foundation
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

extension TestServer {
    /// Every stored session, expired ones included, in id order.
    func stored() async throws -> [RpcSessionContext] {
        try await store.backend.list(after: nil, limit: 100_000, liveAt: nil)
    }

    /// Calls `method` and returns its result after checking it against the result schema the
    /// OpenRPC document declares for the method.
    func checkedResult(
        _ method: String, _ params: JSONValue? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let result = try await self.result(method, params)
        let document = server.engine.openRPCDocument
        let entry = document["methods"]?.arrayValue?.first { $0["name"] == .string(method) }
        let schema = try #require(entry?["result"]?["schema"], sourceLocation: sourceLocation)
        let validator = SchemaValidator(components: document["components"]?["schemas"]?.objectValue ?? [:])
        let problem = validator.violation(of: result, against: schema)
        #expect(problem == nil, "\(method) result does not match its documented schema", sourceLocation: sourceLocation)
        return result
    }

    /// Calls `method`, expects the error `code` (and `data.field` when given), and checks that the
    /// call changed nothing stored — with `clock`, time moves first, so even a touch would show.
    @discardableResult
    func expectRefused(
        _ method: String, _ params: JSONValue?, code: Int, field: String? = nil, clock: ManualWallClock? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue? {
        let before = try await stored()
        clock?.advance(by: 1)
        let response = try await call(method, params)
        let error = response["error"]
        #expect(error?["code"] == .int(code), "\(response.jsonString())", sourceLocation: sourceLocation)
        if let field {
            #expect(error?["data"]?["field"] == .string(field), "\(response.jsonString())", sourceLocation: sourceLocation)
        }
        let after = try await stored()
        #expect(before == after, "\(method) changed the stored sessions", sourceLocation: sourceLocation)
        return error
    }
}

/// A manual clock and the server configuration tests of expiry use.
func manualClock() -> ManualWallClock {
    ManualWallClock(start: Date(timeIntervalSince1970: 1_800_000_000))
}

/// Metadata of `keys` small entries.
func metadata(keys: Int, valueBytes: Int = 1) -> JSONValue {
    .object(Dictionary(uniqueKeysWithValues: (0..<keys).map { ("k\($0)", JSONValue.string(String(repeating: "v", count: valueBytes))) }))
}
