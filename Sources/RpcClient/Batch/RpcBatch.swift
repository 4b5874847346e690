import RenderTypes
import SessionContext

/// The calls of one JSON-RPC batch, collected in order. Each `add` (or typed method such as
/// `health()`) returns the handle its result is read with. Build one in `RpcClient.batch { b in … }`.
///
/// The server runs a batch's calls concurrently: a batch must not rely on one call seeing
/// another's effect (create a session in one batch, use it in the next).
public struct RpcBatch: Sendable {
    var entries: [BatchEntry] = []
    /// Added to a render's own `timeout_ms` for the batch's deadline.
    let renderGrace: Duration

    init(renderGrace: Duration) {
        self.renderGrace = renderGrace
    }

    /// Adds `call`; returns the handle of its result.
    public mutating func add<Value>(_ call: RpcCall<Value>) -> BatchCall<Value> {
        entries.append(BatchEntry(call))
        return BatchCall(index: entries.count - 1)
    }

    /// Calls added so far.
    public var count: Int { entries.count }
}

/// The handle of one call in a batch: reads its typed result out of `RpcBatchResults`.
public struct BatchCall<Value: Sendable>: Sendable, Hashable {
    /// Position in the batch, from 0.
    public let index: Int
}

/// One call of a batch with its result type erased, so calls of different types share an array.
struct BatchEntry: Sendable {
    let method: String
    let params: (any Encodable & Sendable)?
    let minimumTimeout: Duration?
    let decodeResult: @Sendable (JSONValue) throws(RpcError) -> any Sendable
    let sessionID: SessionID?
    let url: String
    /// What a successful render records in the client-side store.
    let sessionOutcome: @Sendable (any Sendable) -> RequestOutcome?

    init<Value>(_ call: RpcCall<Value>) {
        method = call.method
        params = call.params
        minimumTimeout = call.minimumTimeout
        let decode = call.decodeResult
        decodeResult = { (value: JSONValue) throws(RpcError) -> any Sendable in try decode(value) }
        sessionID = call.sessionRender?.sessionID
        url = call.sessionRender?.url ?? ""
        let outcome = call.sessionRender?.outcome
        sessionOutcome = { value in (value as? Value).flatMap { outcome?($0) } }
    }
}

/// The results of a sent batch, one per call, in the order the calls were added.
public struct RpcBatchResults: Sendable {
    let results: [Result<any Sendable, RpcError>]

    /// The typed result of `call`.
    public subscript<Value>(call: BatchCall<Value>) -> Result<Value, RpcError> {
        guard results.indices.contains(call.index) else {
            return .failure(.invalidArgument("batch call \(call.index) is not part of this batch"))
        }
        return results[call.index].flatMap { value in
            guard let typed = value as? Value else {
                return .failure(.invalidArgument("batch call \(call.index) holds \(type(of: value)), not \(Value.self)"))
            }
            return .success(typed)
        }
    }

    /// Number of results (= calls).
    public var count: Int { results.count }
}
