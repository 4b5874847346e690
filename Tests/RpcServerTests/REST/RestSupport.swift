import Foundation
import NIOHTTP1
import RenderTypes
import Testing
import TestSupport

/// A REST caller that checks every answer against the server's own OpenAPI document: the status
/// must be one the operation lists, and the JSON body must match that response's schema.
struct RestCaller {
    let endpoint: KeyedCaller
    let document: JSONValue

    /// A caller of `endpoint` with `key`, holding the document GET /openapi.json serves (no key needed).
    static func make(_ endpoint: some HTTPEndpoint, key: String?) async throws -> RestCaller {
        let caller = KeyedCaller(endpoint, key: key)
        let answer = try await caller.request(.GET, "/openapi.json", headers: [])
        #expect(answer.status == 200)
        return RestCaller(endpoint: caller, document: try answer.json)
    }

    /// Sends `method path` (with `body` as JSON) and returns the answer after checking it against the
    /// operation of `template` (the path as the document names it).
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, template: String? = nil, body: JSONValue? = nil, rawBody: String? = nil,
        headers: [(String, String)]? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> HTTPAnswer {
        let answer = try await endpoint.request(method, path, body: rawBody ?? body?.jsonString(), headers: headers)
        if let problem = violation(of: answer, method: method, template: template ?? path) {
            Issue.record("\(method) \(path): \(problem)", sourceLocation: sourceLocation)
        }
        return answer
    }

    /// What in `answer` breaks the document, or nil.
    func violation(of answer: HTTPAnswer, method: HTTPMethod, template: String) -> String? {
        guard let operation = document["paths"]?[template]?[method.rawValue.lowercased()] else {
            return "the document has no operation \(method) \(template)"
        }
        guard let response = operation["responses"]?[String(answer.status)] else {
            return "status \(answer.status) is not listed (body \(answer.body))"
        }
        guard let schema = response["content"]?["application/json"]?["schema"] else { return nil }
        guard answer.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true else {
            return "Content-Type \(answer.headers.first(name: "Content-Type") ?? "none") is not JSON"
        }
        guard let body = try? answer.json else { return "body is not JSON: \(answer.body)" }
        let validator = SchemaValidator(components: document["components"]?["schemas"]?.objectValue ?? [:])
        return validator.violation(of: body, against: schema).map { "status \(answer.status): \($0) in \(answer.body)" }
    }
}

extension HTTPAnswer {
    /// The error object of a REST error answer.
    var error: JSONValue? { (try? json)?["error"] }
}
