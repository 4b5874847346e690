public import RenderTypes

/// Generates the OpenRPC 1.x document (served by `rpc.discover` and GET /openrpc.json) from the
/// registered methods, so it always describes exactly what the engine serves.
public enum OpenRPCDocument {
    /// The OpenRPC version the document follows.
    public static let openRPCVersion = "1.3.2"

    /// The document's `info` object.
    public struct Info: Sendable, Hashable {
        public var title: String
        public var version: String
        public var description: String

        public init(
            title: String = "Tidepool",
            version: String = TidepoolVersion.current,
            description: String = "Headless-Chromium rendering service with stateful sessions, over JSON-RPC 2.0."
        ) {
            self.title = title
            self.version = version
            self.description = description
        }
    }

    /// The document for `methods` (aliases become entries of their own) and shared `schemas`.
    public static func generate(info: Info, methods: [RpcMethod], schemas: [String: JSONSchema]) -> JSONValue {
        var entries: [JSONValue] = []
        for method in methods {
            entries.append(entry(for: method, name: method.name, summary: method.summary))
            for alias in method.aliases {
                entries.append(entry(for: method, name: alias, summary: "Alias of \(method.name). \(method.summary)"))
            }
        }
        return [
            "openrpc": .string(openRPCVersion),
            "info": ["title": .string(info.title), "version": .string(info.version), "description": .string(info.description)],
            "methods": .array(entries),
            "components": ["schemas": .object(schemas.mapValues(\.json))],
        ]
    }

    private static func entry(for method: RpcMethod, name: String, summary: String) -> JSONValue {
        let params: [JSONValue] = method.parameters.map { parameter in
            var object: [String: JSONValue] = [
                "name": .string(parameter.name),
                "required": .bool(parameter.required),
                "schema": parameter.schema.json,
            ]
            if !parameter.summary.isEmpty { object["summary"] = .string(parameter.summary) }
            return .object(object)
        }
        let errors: [JSONValue] = method.errors.map { code in
            ["code": .int(code.rawValue), "message": .string(code.defaultMessage)]
        }
        var object: [String: JSONValue] = [
            "name": .string(name),
            "summary": .string(summary),
            "paramStructure": .string(method.paramStructure.rawValue),
            "params": .array(params),
            "result": ["name": .string(method.result.name), "schema": method.result.schema.json],
        ]
        if !errors.isEmpty { object["errors"] = .array(errors) }
        return .object(object)
    }
}
