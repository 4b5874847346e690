public import Logging
public import RenderTypes
public import SessionContext

/// The JSON-RPC 2.0 engine: parses a request body, dispatches single calls, notifications and
/// batches to the registered methods, and writes the response body.
///
/// Transport-free: the HTTP app hands it bytes and sends back what it returns, so every rule of
/// the specification is tested here without a socket.
public struct RpcEngine: Sendable {
    /// Limits of the engine; defaults are the documented ones.
    public struct Configuration: Sendable {
        /// Entries a batch may hold; a larger batch is refused as one invalid request.
        public var maxBatchSize: Int
        /// Calls of one batch that run at the same time.
        public var maxConcurrentBatchCalls: Int

        public init(maxBatchSize: Int = 100, maxConcurrentBatchCalls: Int = 8) {
            precondition(maxBatchSize > 0 && maxConcurrentBatchCalls > 0, "batch limits must be positive")
            self.maxBatchSize = maxBatchSize
            self.maxConcurrentBatchCalls = maxConcurrentBatchCalls
        }
    }

    /// The methods served, `rpc.discover` included.
    public let registry: RpcMethodRegistry
    /// The OpenRPC document generated from `registry`.
    public let openRPCDocument: JSONValue
    public let configuration: Configuration
    let metrics: RpcMetrics?

    /// Freezes `registry` and adds `rpc.discover`, which answers the document generated from it.
    public init(
        registry: RpcMethodRegistry, info: OpenRPCDocument.Info = .init(),
        configuration: Configuration = .init(), metrics: RpcMetrics? = nil
    ) {
        var registry = registry
        let discover = RpcMethod(
            name: "rpc.discover", summary: "Returns the OpenRPC document describing every method of this server.",
            params: NoParams.self, result: RpcResultSpec("OpenRPC document", .any)
        ) { (_: NoParams, _) -> JSONValue in .null }
        let document = OpenRPCDocument.generate(
            info: info, methods: registry.allMethods + [discover], schemas: registry.schemas
        )
        registry.register(
            RpcMethod(
                name: discover.name, summary: discover.summary, params: NoParams.self, result: discover.result
            ) { (_: NoParams, _) in document }
        )
        self.registry = registry
        self.openRPCDocument = document
        self.configuration = configuration
        self.metrics = metrics
    }

    /// Answers a request body: the response body, or nil when nothing is to be sent back
    /// (a notification, or a batch of notifications only). Every call is `tenant`'s; `forwardedBy`
    /// names the node that forwarded the request here, if one did.
    public func handle(_ body: [UInt8], logger: Logger, tenant: TenantID = .default, forwardedBy: String? = nil) async
        -> [UInt8]?
    {
        let payload: JSONValue
        do {
            payload = try JSONParser.parse(body)
        } catch {
            logger.debug("parse error", metadata: ["reason": "\(error)"])
            metrics?.record(method: RpcMetrics.invalidMethodLabel, code: .parseError, duration: .zero)
            return RpcResponseWriter.error(RpcErrorObject(.parseError), id: .null)
        }
        switch payload {
        case .array(let entries):
            return await handleBatch(entries, logger: logger, tenant: tenant, forwardedBy: forwardedBy)
        default:
            return await respond(to: payload, logger: logger, tenant: tenant, forwardedBy: forwardedBy)
        }
    }

    private func handleBatch(_ entries: [JSONValue], logger: Logger, tenant: TenantID, forwardedBy: String?) async
        -> [UInt8]?
    {
        guard !entries.isEmpty, entries.count <= configuration.maxBatchSize else {
            if !entries.isEmpty {
                logger.debug("batch too large", metadata: ["entries": "\(entries.count)"])
            }
            metrics?.record(method: RpcMetrics.invalidMethodLabel, code: .invalidRequest, duration: .zero)
            return RpcResponseWriter.error(RpcErrorObject(.invalidRequest), id: .null)
        }
        var answers = [[UInt8]?](repeating: nil, count: entries.count)
        await withTaskGroup(of: (Int, [UInt8]?).self) { group in
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask {
                    (index, await respond(to: entries[index], logger: logger, tenant: tenant, forwardedBy: forwardedBy))
                }
            }
            while next < min(configuration.maxConcurrentBatchCalls, entries.count) { start() }
            while let (index, answer) = await group.next() {
                answers[index] = answer
                if next < entries.count { start() }
            }
        }
        return RpcResponseWriter.batch(answers.compactMap { $0 })
    }

    /// Answers one request object; nil for a notification.
    func respond(to entry: JSONValue, logger: Logger, tenant: TenantID = .default, forwardedBy: String? = nil) async
        -> [UInt8]?
    {
        let request: RpcRequest
        switch RpcRequest.parse(entry) {
        case .success(let parsed):
            request = parsed
        case .failure(let invalid):
            logger.debug("invalid request", metadata: ["reason": "\(invalid.reason)"])
            metrics?.record(method: RpcMetrics.invalidMethodLabel, code: .invalidRequest, duration: .zero)
            return RpcResponseWriter.error(RpcErrorObject(.invalidRequest), id: invalid.id)
        }
        guard registry.method(named: request.method) != nil else {
            metrics?.record(method: RpcMetrics.unknownMethodLabel, code: .methodNotFound, duration: .zero)
            guard let id = request.id else { return nil }
            return RpcResponseWriter.error(
                RpcErrorObject(.methodNotFound, data: ["method": .string(request.method)]), id: id
            )
        }
        let outcome = await call(
            request.method, params: request.params, isNotification: request.isNotification, logger: logger, tenant: tenant,
            forwardedBy: forwardedBy)
        guard let id = request.id else { return nil }
        switch outcome {
        case .success(let result): return RpcResponseWriter.result(result, id: id)
        case .failure(let error): return RpcResponseWriter.error(error, id: id)
        }
    }

    /// Calls the registered method `name` with `params` for `tenant`, exactly as a JSON-RPC call of it
    /// is served (forwarding to a session's owner included), measured the same way: the result
    /// fragment, or the error object. The REST routes are served through here.
    func call(
        _ name: String, params: JSONValue?, isNotification: Bool = false, logger: Logger, tenant: TenantID,
        forwardedBy: String?
    ) async -> Result<[UInt8], RpcErrorObject> {
        guard let method = registry.method(named: name) else {
            metrics?.record(method: RpcMetrics.unknownMethodLabel, code: .methodNotFound, duration: .zero)
            return .failure(RpcErrorObject(.methodNotFound, data: ["method": .string(name)]))
        }
        let context = RpcCallContext(
            method: name, isNotification: isNotification, logger: logger, tenant: tenant, forwardedBy: forwardedBy)
        let start = ContinuousClock.now
        let outcome: Result<[UInt8], RpcErrorObject>
        do {
            outcome = .success(try await method.invoke(params, context))
        } catch {
            outcome = .failure(RpcErrorMapping.errorObject(for: error, method: method.name, logger: logger))
        }
        let elapsed = ContinuousClock.now - start
        switch outcome {
        case .success:
            metrics?.record(method: method.name, code: nil, duration: elapsed)
        case .failure(let error):
            metrics?.record(method: method.name, code: error.code, duration: elapsed)
        }
        return outcome
    }
}
