import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RenderTypes

/// Serves a `RestRoute`: the caller is authenticated like a JSON-RPC call (`CallerAuthentication`),
/// the route's path segments, query and JSON body become the params of its JSON-RPC method, and the
/// call goes through `RpcEngine.call` — the same dispatch, forwarding to a session's owner and
/// metrics as `POST /rpc`. A result is answered as the body (200, or 201 for `POST /sessions`); an
/// error as `{"error": {"code", "message", "data"}}` with the status `RestStatus` gives its code.
struct RestEndpoint: Sendable {
    let engine: RpcEngine
    let maxBodyBytes: Int
    let authentication: CallerAuthentication

    func respond(route: RestRoute, to request: Request, context: some RequestContext) async throws -> Response {
        let tenant = try authentication.tenant(of: request)
        let params: JSONValue
        do {
            params = try await self.params(of: route, request: request, context: context)
        } catch let error as RpcErrorObject {
            return Self.errorResponse(error)
        }
        // A REST call is a client's: never one another node forwarded (those come over /rpc).
        switch await engine.call(route.rpcMethod, params: params, logger: context.logger, tenant: tenant, forwardedBy: nil) {
        case .success(let result):
            return Response(
                status: route.successStatus, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: result)))
        case .failure(let error):
            return Self.errorResponse(error)
        }
    }

    /// The error object as a REST answer: its status, `Retry-After` for -32006, the JSON body.
    static func errorResponse(_ error: RpcErrorObject) -> Response {
        var object: [String: JSONValue] = ["code": .int(error.code), "message": .string(error.message)]
        if let data = error.data { object["data"] = data }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let seconds = RestStatus.retryAfterSeconds(for: error) { headers[.retryAfter] = "\(seconds)" }
        let body = (try? JSONValue.object(["error": .object(object)]).jsonData()).map { Array($0) } ?? Array("{}".utf8)
        return Response(status: RestStatus.status(for: error), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The JSON-RPC params of a call of `route`: the body's object, the path's parameters and the
    /// query's, each name given once. Throws the `RpcErrorObject` to answer (-32700, -32602), or an
    /// `HTTPError` (413, 415).
    func params(of route: RestRoute, request: Request, context: some RequestContext) async throws -> JSONValue {
        let parameters = engine.registry.method(named: route.rpcMethod)?.parameters ?? []
        var params: [String: JSONValue] = [:]
        if route.takesBody {
            params = try await body(of: request)
            let fromElsewhere = Set(route.pathParameters + route.query)
            if let repeated = params.keys.sorted().first(where: fromElsewhere.contains) {
                throw Self.invalid(
                    repeated, route.pathParameters.contains(repeated)
                        ? "is given by the path (\(route.path)), not the body"
                        : "is given in the query string, not the body")
            }
        }
        for name in route.pathParameters {
            guard let raw = context.parameters.get(name), let value = raw.removingPercentEncoding else {
                throw Self.invalid(name, "the path segment is not valid percent-encoded UTF-8")
            }
            params[name] = .string(value)
        }
        for (name, value) in try Self.queryItems(request.uri.query) {
            guard route.query.contains(name) else {
                throw Self.invalid(
                    name, route.query.isEmpty
                        ? "unknown query parameter: \(route.path) takes none"
                        : "unknown query parameter: \(route.path) takes \(route.query.joined(separator: ", "))")
            }
            guard params[name] == nil else { throw Self.invalid(name, "is given twice in the query string") }
            let type = parameters.first { $0.name == name }?.schema.json["type"]?.stringValue
            params[name] = Self.typed(value, as: type)
        }
        return .object(params)
    }

    /// The body as a JSON object: none (no bytes at all) is `{}`; blanks alone are not JSON (-32700).
    private func body(of request: Request) async throws -> [String: JSONValue] {
        if let contentType = request.headers[.contentType], !RpcEndpoint.isJSON(contentType) {
            throw HTTPError(
                .unsupportedMediaType, message: "content type \(contentType) is not JSON: send Content-Type: application/json")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw HTTPError(.contentTooLarge, message: "request body is larger than \(maxBodyBytes) bytes")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "request body is larger than \(maxBodyBytes) bytes")
        }
        let bytes = Array(buffer.readableBytesView)
        if bytes.isEmpty { return [:] }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw RpcErrorObject(.parseError, data: ["reason": .string("the body is not valid JSON: \(error)")])
        }
        guard case .object(let object) = value else {
            throw Self.invalid("", "the body must be a JSON object of params, found \(value.kindName)")
        }
        return object
    }

    /// The query string's `name=value` pairs, percent-decoded (`+` is a space).
    static func queryItems(_ query: String?) throws -> [(String, String)] {
        guard let query, !query.isEmpty else { return [] }
        return try query.split(separator: "&", omittingEmptySubsequences: true).map { pair throws -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) throws -> String {
                guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw invalid(String(parts[0]), "the query string is not valid percent-encoded UTF-8")
                }
                return decoded
            }
            return (try decode(parts[0]), parts.count > 1 ? try decode(parts[1]) : "")
        }
    }

    /// A query value as the JSON its param's schema type wants; left a string when it is not one
    /// (the method's decoder then names the field and the type it wanted).
    static func typed(_ value: String, as type: String?) -> JSONValue {
        switch type {
        case "integer": Int(value).map(JSONValue.int) ?? .string(value)
        case "boolean": value == "true" ? .bool(true) : value == "false" ? .bool(false) : .string(value)
        default: .string(value)
        }
    }

    static func invalid(_ field: String, _ reason: String) -> RpcErrorObject {
        RpcErrorObject(.invalidParams, data: ["field": .string(field), "reason": .string(reason)])
    }
}
