import Foundation
import NIOHTTP1
import RenderTypes
@testable import RpcServer
import Testing
import TestSupport

/// GET /openrpc.json and `rpc.discover`: generated from the registry, so they cannot drift.
@Suite(.serialized) struct OpenRPCTests {
    static let served = [
        "session.create", "session.get", "session.list", "session.delete", "session.extend",
        "session.set_metadata", "session.stats", "session.cleanup", "cookies.get", "cookies.set",
        "cookies.delete", "cookies.clear", "health", "cluster.nodes", "usage.get", "rpc.discover",
    ]

    @Test func discoverAnswersTheDocumentServedOverGET() async throws {
        try await TestServer.run { server in
            let viaRPC = try await server.result("rpc.discover")
            let viaGET = try await server.request(.GET, "/openrpc.json").json
            #expect(viaRPC == viaGET)
            #expect(viaRPC["openrpc"] == .string(OpenRPCDocument.openRPCVersion))
        }
    }

    @Test func documentListsEveryServedMethod() async throws {
        try await TestServer.run { server in
            let document = try await server.result("rpc.discover")
            let names = document["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.sorted() == Self.served.sorted())
            #expect(Set(names) == Set(server.server.engine.registry.allMethods.map(\.name)))
        }
    }

    @Test func documentedParamsAreTheOnesTheMethodsDecode() async throws {
        try await TestServer.run { server in
            Self.checkDocumentedParams(of: server.server.engine)
        }
    }

    /// Every method of `engine` decodes exactly the params its OpenRPC entry documents.
    static func checkDocumentedParams(of engine: RpcEngine) {
        let document = engine.openRPCDocument
        let validator = SchemaValidator(components: document["components"]?["schemas"]?.objectValue ?? [:])
        for method in engine.registry.allMethods {
            // Every documented param, with a value its schema accepts, must decode: a param
            // the decoder does not read would be reported as an unknown field.
            var all: [String: JSONValue] = [:]
            for parameter in method.parameters { all[parameter.name] = validator.sample(of: parameter.schema.json) }
            #expect(throws: Never.self, "\(method.name) refuses its documented params") {
                try method.checkParams(.object(all))
            }
            // Leaving out a param the document marks required must fail naming it.
            for parameter in method.parameters where parameter.required {
                var without = all
                without[parameter.name] = nil
                let error = #expect(throws: FieldError.self) { try method.checkParams(.object(without)) }
                #expect(error?.field == parameter.name, "\(method.name) does not require \(parameter.name)")
            }
            // A param nobody documented is refused.
            var extra = all
            extra["undocumented_param"] = 1
            let error = #expect(throws: FieldError.self) { try method.checkParams(.object(extra)) }
            #expect(error?.field == "undocumented_param")
        }
    }
}
