import Rendering
import RenderTypes

extension RpcMethod {
    /// This method, with a call for a session that another live node serves forwarded to that
    /// node (`RenderingError.ownedElsewhere`), waiting at most what `timeout` gives for its params;
    /// an owner that cannot be reached makes the call run here after all. A call another node
    /// forwarded here is served here and counted as received.
    func forwarding(through forwarder: NodeForwarder, timeout: @escaping @Sendable (JSONValue?) -> Duration) -> RpcMethod {
        var method = self
        let local = invoke
        let name = self.name
        method.invoke = { params, context in
            if context.forwardedBy != nil { forwarder.metrics.recordReceived(method: name) }
            do {
                return try await local(params, context)
            } catch RenderingError.ownedElsewhere(let nodeID, let url) where context.forwardedBy == nil {
                let answer = try await forwarder.forward(
                    method: name, params: params, to: nodeID, at: url, timeout: timeout(params), logger: context.logger)
                switch answer {
                case .result(let fragment): return fragment
                case .unreachable: return try await local(params, context)
                }
            }
        }
        return method
    }
}

extension RpcMethodRegistry {
    /// Makes the methods whose calls belong to a session's owner (`render`, `session.delete`)
    /// forward them there through `forwarder`.
    mutating func forwardSessionCalls(through forwarder: NodeForwarder) {
        replace("render") { render in
            render.forwarding(through: forwarder) { params in
                // The render's own deadline, queue included, and time for the answer to travel.
                .milliseconds(params?["config"]?["timeout_ms"]?.intValue ?? RenderLimits.defaultTimeoutMs) + .seconds(10)
            }
        }
        replace("session.delete") { delete in delete.forwarding(through: forwarder) { _ in .seconds(30) } }
    }
}
