import Rendering
import RenderTypes

/// `render` (alias `render.dynamic`) and `pool.stats` (SPEC *render*, *Browser pool*).
enum RenderMethods {
    static func register(in registry: inout RpcMethodRegistry, calls: RenderCalls) {
        RenderSchemas.register(in: &registry)
        registry.register(
            "render",
            summary: "Renders a URL in a fresh isolated browser context (or the session's), with waits, actions and captures.",
            params: RenderParams.self, result: RpcResultSpec("result", .ref("DynamicRenderResult")),
            errors: [
                .invalidParams, .sessionNotFound, .sessionExpired, .requestLimitReached, .renderTimeout,
                .navigationFailed, .overloaded, .budgetExceeded, .browserCrashed, .urlNotAllowed, .actionFailed,
            ],
            aliases: ["render.dynamic"]
        ) { params, context in
            try await calls.serve(params, logger: context.logger, tenant: context.tenant, forwardedBy: context.forwardedBy)
        }

        registry.register(
            "pool.stats", summary: "Browser pool figures: browsers, contexts, queue, utilization, restarts, memory.",
            params: NoParams.self, result: RpcResultSpec("stats", .ref("PoolStats"))
        ) { (_: NoParams, context) in await calls.renders.poolStats().seen(by: context.tenant) }
    }
}
