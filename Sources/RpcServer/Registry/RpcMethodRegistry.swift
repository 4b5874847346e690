public import RenderTypes

/// The methods an engine serves, with their documentation; built once at startup, then frozen
/// into an `RpcEngine`. Later features (render, pool) register their methods the same way.
public struct RpcMethodRegistry: Sendable {
    private(set) var methods: [String: RpcMethod] = [:]
    /// Canonical names in registration order, for a stable OpenRPC document.
    private(set) var order: [String] = []
    /// Shared schemas the methods refer to with `JSONSchema.ref(_:)`.
    public private(set) var schemas: [String: JSONSchema] = [:]

    public init() {}

    /// Adds a method; a name or alias registered twice is a programming error.
    public mutating func register(_ method: RpcMethod) {
        for name in [method.name] + method.aliases {
            precondition(!name.isEmpty, "a JSON-RPC method needs a name")
            precondition(methods[name] == nil, "JSON-RPC method \(name) registered twice")
            methods[name] = method
        }
        order.append(method.name)
    }

    /// Replaces the registered method `name` (and its aliases) with what `change` makes of it;
    /// nothing when no method has that name.
    mutating func replace(_ name: String, _ change: (RpcMethod) -> RpcMethod) {
        guard let method = methods[name] else { return }
        let changed = change(method)
        for alias in [method.name] + method.aliases { methods[alias] = changed }
    }

    /// Adds a typed method: params are decoded strictly, the result encoded as JSON.
    public mutating func register<Params: RpcParams, Result: Encodable & Sendable>(
        _ name: String, summary: String, params: Params.Type, result: RpcResultSpec,
        errors: [RpcErrorCode] = [], aliases: [String] = [],
        handler: @escaping @Sendable (Params, RpcCallContext) async throws -> Result
    ) {
        register(
            RpcMethod(
                name: name, summary: summary, params: params, result: result, errors: errors,
                aliases: aliases, handler: handler
            )
        )
    }

    /// Adds a shared schema under `components.schemas.<name>`.
    public mutating func addSchema(_ name: String, _ schema: JSONSchema) {
        schemas[name] = schema
    }

    /// The method answering to `name` (its own name or an alias).
    public func method(named name: String) -> RpcMethod? {
        methods[name]
    }

    /// Every method once, in registration order.
    public var allMethods: [RpcMethod] {
        order.compactMap { methods[$0] }
    }
}
