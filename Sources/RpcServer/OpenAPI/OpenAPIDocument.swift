import HTTPTypes
import RenderTypes

/// Generates the OpenAPI 3.1 document of the REST routes (GET /openapi.json) from `RestRoute.all`
/// and the registry the JSON-RPC methods are registered in: each route's parameters, body and result
/// are its method's own schemas (the OpenRPC document's), and its error responses are the method's
/// documented codes at the statuses `RestStatus` gives them — so the document cannot drift from what
/// is served.
enum OpenAPIDocument {
    static let openAPIVersion = "3.1.0"

    /// The document of `routes` whose methods `registry` has; `secured` when every route needs a key.
    static func generate(
        routes: [RestRoute], registry: RpcMethodRegistry, secured: Bool, info: OpenRPCDocument.Info = .init()
    ) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            guard let method = registry.method(named: route.rpcMethod) else { continue }
            var item = paths[route.path]?.objectValue ?? [:]
            item[route.method.rawValue.lowercased()] = operation(route, method, secured: secured, routes: routes)
            paths[route.path] = .object(item)
        }
        var schemas = registry.schemas.mapValues(\.json)
        schemas[errorSchemaName] = errorSchema
        var components: [String: JSONValue] = ["schemas": .object(schemas)]
        var document: [String: JSONValue] = [
            "openapi": .string(openAPIVersion),
            "info": [
                "title": .string(info.title), "version": .string(info.version),
                "description": .string(
                    "REST routes over Tidepool's JSON-RPC methods (POST /rpc, described by /openrpc.json): each route "
                        + "calls the method its operation names, with the same params, results and errors."),
            ],
            "paths": .object(paths),
        ]
        if secured {
            components["securitySchemes"] = [
                "bearer": [
                    "type": "http", "scheme": "bearer",
                    "description": "A tenant's API key (with a tenants file) or the server's TIDEPOOL_TOKEN.",
                ]
            ]
            document["security"] = [["bearer": []]]
        }
        document["components"] = .object(components)
        return .object(document)
    }

    static let errorSchemaName = "RestError"

    /// `{"error": {"code", "message", "data"}}`; `code` is absent only from the HTTP layer's own
    /// refusals (401, 405, 413, 415), which say what to send in `message`.
    static let errorSchema: JSONValue = JSONSchema.object(
        [
            "error": .object(
                [
                    "code": JSONSchema.integer.described("The JSON-RPC error code (docs/API.md, \"Errors\")."),
                    "message": .string,
                    "data": JSONSchema.any.described("The code's figures, as JSON-RPC's error data."),
                ], required: ["message"])
        ], required: ["error"]
    ).json

    /// The values of path parameter `name` of template `path` with which the path is another
    /// route's concrete path (`stats` in `/sessions/{session_id}` is `/sessions/stats`), each with that path.
    static func shadowedValues(of name: String, in path: String, among routes: [RestRoute]) -> [(value: String, path: String)]? {
        let segments = path.split(separator: "/")
        guard let index = segments.firstIndex(of: "{\(name)}") else { return nil }
        var shadowed: [(value: String, path: String)] = []
        for other in Set(routes.map(\.path)).sorted() where other != path {
            let otherSegments = other.split(separator: "/")
            guard otherSegments.count == segments.count, !otherSegments[index].hasPrefix("{") else { continue }
            let rest = zip(segments, otherSegments).enumerated().allSatisfy { offset, pair in
                offset == index || pair.0 == pair.1
            }
            if rest { shadowed.append((String(otherSegments[index]), other)) }
        }
        return shadowed.isEmpty ? nil : shadowed
    }

    private static func operation(_ route: RestRoute, _ method: RpcMethod, secured: Bool, routes: [RestRoute]) -> JSONValue {
        var parameters: [JSONValue] = []
        for name in route.pathParameters {
            let schema = method.parameters.first { $0.name == name }?.schema.json ?? JSONSchema.string.json
            var parameter: [String: JSONValue] = ["name": .string(name), "in": "path", "required": true, "schema": schema]
            if let shadowed = shadowedValues(of: name, in: route.path, among: routes) {
                // Any id is a valid session id (as over JSON-RPC); the document says which the
                // concrete paths take, rather than pretending the schema refuses them.
                parameter["description"] = .string(
                    "\(shadowed.map { "`\($0.value)`" }.joined(separator: " and ")) here would be "
                        + shadowed.map { "`\($0.path)`" }.joined(separator: " and ")
                        + ", concrete paths, which are matched before this templated one (OpenAPI path matching): "
                        + "a session with such an id is reached at this path over JSON-RPC (`\(method.name)`).")
            }
            parameters.append(.object(parameter))
        }
        for name in route.query {
            guard let parameter = method.parameters.first(where: { $0.name == name }) else { continue }
            var object: [String: JSONValue] = [
                "name": .string(name), "in": "query", "required": .bool(parameter.required), "schema": parameter.schema.json,
            ]
            if !parameter.summary.isEmpty { object["description"] = .string(parameter.summary) }
            parameters.append(.object(object))
        }
        var operation: [String: JSONValue] = [
            "operationId": .string(route.operationID),
            "summary": .string(method.summary),
            "description": .string("Calls the JSON-RPC method `\(method.name)`."),
        ]
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        var codes = method.errors + [.invalidParams, .internalError]
        if route.takesBody {
            let inBody = method.parameters.filter { !route.pathParameters.contains($0.name) && !route.query.contains($0.name) }
            var properties: [String: JSONSchema] = [:]
            for parameter in inBody {
                // An optional param sent as null is taken as absent, as over JSON-RPC (the params'
                // strict decoder reads a null member as a missing one): the document says so.
                let schema = parameter.required ? parameter.schema : parameter.schema.acceptingNull
                properties[parameter.name] = parameter.summary.isEmpty ? schema : schema.described(parameter.summary)
            }
            let required = inBody.filter(\.required).map(\.name)
            operation["requestBody"] = [
                "required": .bool(!required.isEmpty),
                "content": ["application/json": ["schema": JSONSchema.object(properties, required: required).json]],
            ]
            codes.append(.parseError)
        }
        var responses: [String: JSONValue] = [
            String(route.successStatus.code): [
                "description": .string(method.result.name),
                "content": ["application/json": ["schema": method.result.schema.json]],
            ]
        ]
        var byStatus: [Int: [RpcErrorCode]] = [:]
        for code in codes {
            for status in RestStatus.statuses(for: code) where !(byStatus[status]?.contains(code) ?? false) {
                byStatus[status, default: []].append(code)
            }
        }
        for (status, codes) in byStatus {
            var response = errorResponse(codes.map { "\($0.rawValue) \($0.defaultMessage)" }.joined(separator: "; "))
            if status == 429 {
                response["headers"] = [
                    "Retry-After": [
                        "description": "Seconds to wait before retrying (data.retry_after_ms, rounded up).",
                        "schema": ["type": "integer", "minimum": 1],
                    ]
                ]
            }
            responses[String(status)] = .object(response)
        }
        if secured {
            responses["401"] = .object(errorResponse("The bearer key is missing or unknown."))
        }
        if route.takesBody {
            responses["413"] = .object(errorResponse("The body is larger than the server's limit."))
            responses["415"] = .object(errorResponse("The body's Content-Type is not JSON."))
        }
        operation["responses"] = .object(responses)
        return .object(operation)
    }

    private static func errorResponse(_ description: String) -> [String: JSONValue] {
        [
            "description": .string(description),
            "content": ["application/json": ["schema": JSONSchema.ref(errorSchemaName).json]],
        ]
    }
}
