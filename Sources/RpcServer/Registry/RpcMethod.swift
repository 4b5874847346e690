public import RenderTypes

/// The description of a method's result, for the OpenRPC document.
public struct RpcResultSpec: Sendable, Hashable {
    public var name: String
    public var schema: JSONSchema

    public init(_ name: String, _ schema: JSONSchema) {
        self.name = name
        self.schema = schema
    }
}

/// A registered method: its documentation and the type-erased handler the engine calls.
public struct RpcMethod: Sendable {
    public var name: String
    public var summary: String
    public var parameters: [RpcParameter]
    public var paramStructure: RpcParamStructure
    public var result: RpcResultSpec
    /// The error codes the method documents besides the protocol's own.
    public var errors: [RpcErrorCode]
    /// Other names the method answers to (`render.dynamic` for `render`).
    public var aliases: [String]

    /// Decodes params, runs the handler and returns the encoded result (a JSON text fragment).
    /// Variable so that a wrapper (forwarding to another node) can stand in front of it.
    var invoke: @Sendable (JSONValue?, RpcCallContext) async throws -> [UInt8]
    /// Decodes params without calling the handler (throws `FieldError`); lets tests prove the
    /// documented params are the ones the decoder accepts.
    let checkParams: @Sendable (JSONValue?) throws -> Void

    /// Wraps a typed handler: params are decoded strictly, the result encoded as JSON.
    public init<Params: RpcParams, Result: Encodable & Sendable>(
        name: String, summary: String, params: Params.Type = Params.self, result: RpcResultSpec,
        errors: [RpcErrorCode] = [], aliases: [String] = [],
        handler: @escaping @Sendable (Params, RpcCallContext) async throws -> Result
    ) {
        self.name = name
        self.summary = summary
        self.parameters = Params.parameters
        self.paramStructure = Params.paramStructure
        self.result = result
        self.errors = errors
        self.aliases = aliases
        self.checkParams = { rawParams in _ = try Params.decode(params: rawParams) }
        self.invoke = { rawParams, context in
            let params = try Params.decode(params: rawParams)
            let value = try await handler(params, context)
            return try JSONFragment.encode(value)
        }
    }
}
