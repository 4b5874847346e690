import Rendering
import RenderTypes
import SessionContext

extension RpcMethod {
    /// This method, with a call for a session that another live node serves forwarded to that
    /// node (`RenderingError.ownedElsewhere`), waiting at most what `timeout` gives for its params
    /// and the caller's tenant.
    /// An owner that cannot be reached makes the call placed again: served here (the owner is
    /// gone), or forwarded once more when the owner is alive at another URL (it came back
    /// elsewhere) — at most `maxForwards` tries. A call another node forwarded here is served here
    /// and counted as received.
    func forwarding(
        through forwarder: NodeForwarder, timeout: @escaping @Sendable (JSONValue?, TenantID) -> Duration
    ) -> RpcMethod {
        var method = self
        let local = invoke
        let name = self.name
        method.invoke = { params, context in
            if context.forwardedBy != nil { forwarder.metrics.recordReceived(method: name) }
            var tries = 0
            while true {
                do {
                    return try await local(params, context)
                } catch RenderingError.ownedElsewhere(let nodeID, let url)
                    where context.forwardedBy == nil && tries < Self.maxForwards
                {
                    tries += 1
                    let answer = try await forwarder.forward(
                        method: name, params: params, tenant: context.tenant, to: nodeID, at: url, timeout: timeout(params, context.tenant),
                        logger: context.logger)
                    if case .result(let fragment) = answer { return fragment }
                }
            }
        }
        return method
    }

    /// How many owners' URLs one call tries before it fails (each unreachable one is marked so).
    static let maxForwards = 2
}

extension RpcMethodRegistry {
    /// Makes the methods whose calls belong to a session's owner (`render`, `session.delete`, a profile
    /// session's `session.connect` and `live.create`) or to
    /// the node that opened a live view (`live.status|revoke|wait`) forward them there through
    /// `forwarder`; `tenants` holds the presets a render's timeout may come from.
    mutating func forwardSessionCalls(through forwarder: NodeForwarder, tenants: TenantDirectory?) {
        replace("render") { render in
            render.forwarding(through: forwarder) { params, tenant in
                RenderMethods.forwardTimeout(params: params, tenant: tenant, tenants: tenants)
            }
        }
        replace("session.delete") { delete in delete.forwarding(through: forwarder) { _, _ in .seconds(30) } }
        // A profile session's hand-off runs where its profile's directory is: the session's turn
        // (30 s), the profile's renders ending (30 s), the browser's start.
        replace("session.connect") { $0.forwarding(through: forwarder) { _, _ in .seconds(75) } }
        // So does a profile session's live view (the turn, the profile's browser, the first page).
        replace("live.create") { $0.forwarding(through: forwarder) { _, _ in .seconds(75) } }
        // A live view lives on the node that opened it (its id names that node).
        replace("live.status") { $0.forwarding(through: forwarder) { _, _ in .seconds(10) } }
        replace("live.revoke") { $0.forwarding(through: forwarder) { _, _ in .seconds(40) } }
        replace("live.wait") { wait in
            wait.forwarding(through: forwarder) { params, _ in
                .milliseconds(min(max(params?["timeout_ms"]?.intValue ?? 30_000, 0), LiveMethods.maxWaitMs)) + .seconds(10)
            }
        }
    }
}
