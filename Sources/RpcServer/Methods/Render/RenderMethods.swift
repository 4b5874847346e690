import Rendering
import RenderTypes

/// `render` (alias `render.dynamic`) and `pool.stats` (SPEC *render*, *Browser pool*).
enum RenderMethods {
    /// `tenants` holds the presets a render may name (none without a tenants file).
    static func register(in registry: inout RpcMethodRegistry, calls: RenderCalls, tenants: TenantDirectory?) {
        RenderSchemas.register(in: &registry)
        registry.register(
            "render",
            summary: "Renders a URL in a fresh isolated browser context (or the session's), with waits, actions and captures.",
            params: RenderCallParams.self, result: RpcResultSpec("result", .ref("DynamicRenderResult")),
            errors: [
                .invalidParams, .sessionNotFound, .sessionExpired, .requestLimitReached, .renderTimeout,
                .navigationFailed, .overloaded, .budgetExceeded, .browserCrashed, .urlNotAllowed, .actionFailed,
            ],
            aliases: ["render.dynamic"]
        ) { params, context in
            var render = params.render
            var sessionTTLSeconds: Int?
            if let name = params.preset {
                let presets = tenants?.presets(of: context.tenant) ?? [:]
                guard let preset = presets[name] else {
                    throw RpcMethodError.invalidParams(field: "preset", reason: unknownPreset(name, known: presets, tenants: tenants))
                }
                render = try RenderParams.decode(params: .object(preset.applied(to: params.named)))
                sessionTTLSeconds = preset.sessionTTLSeconds
            }
            var result = try await calls.serve(
                render, sessionTTLSeconds: sessionTTLSeconds, logger: context.logger, tenant: context.tenant,
                forwardedBy: context.forwardedBy)
            result.preset = params.preset
            return result
        }

        registry.register(
            "pool.stats", summary: "Browser pool figures: browsers, contexts, queue, utilization, restarts, memory.",
            params: NoParams.self, result: RpcResultSpec("stats", .ref("PoolStats"))
        ) { (_: NoParams, context) in await calls.renders.poolStats().seen(by: context.tenant) }
    }

    /// Why `name` names no preset of the caller's tenant.
    static func unknownPreset(_ name: String, known: [String: RenderPreset], tenants: TenantDirectory?) -> String {
        guard tenants != nil else { return "unknown preset \"\(name)\": presets come from a tenants file, and this server has none" }
        guard !known.isEmpty else { return "unknown preset \"\(name)\": your tenant has no presets" }
        return "unknown preset \"\(name)\": your tenant's presets are \(known.keys.sorted().joined(separator: ", "))"
    }
}
