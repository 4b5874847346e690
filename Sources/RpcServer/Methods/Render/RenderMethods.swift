import Rendering
import RenderTypes
import SessionContext

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
            let (render, sessionTTLSeconds) = try resolve(params, tenant: context.tenant, tenants: tenants)
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

    /// The render `params` asks for once its preset (if it names one) is put under the caller's own
    /// params, and the lifetime of a session it creates (the preset's). Throws -32602 for a preset
    /// `tenant` does not have.
    static func resolve(
        _ params: RenderCallParams, tenant: TenantID, tenants: TenantDirectory?
    ) throws -> (render: RenderParams, sessionTTLSeconds: Int?) {
        guard let name = params.preset else { return (params.render, nil) }
        let presets = tenants?.presets(of: tenant) ?? [:]
        guard let preset = presets[name] else {
            throw RpcMethodError.invalidParams(field: "preset", reason: unknownPreset(name, known: presets, tenants: tenants))
        }
        return (try RenderParams.decode(params: .object(preset.applied(to: params.named))), preset.sessionTTLSeconds)
    }

    /// How long a render forwarded to its session's owner may take to be answered: its effective
    /// `timeout_ms` — the call's own, else its preset's (as the owner merges it), else the default —
    /// which bounds its queue and its render there, plus time for the answer to travel.
    static func forwardTimeout(params: JSONValue?, tenant: TenantID, tenants: TenantDirectory?) -> Duration {
        let render = (try? RenderCallParams.decode(params: params)).flatMap { try? resolve($0, tenant: tenant, tenants: tenants) }?.render
        return .milliseconds(render?.config?.effectiveTimeoutMs ?? RenderLimits.defaultTimeoutMs) + forwardAnswerMargin
    }

    /// Time on top of a forwarded render's own timeout for its answer to come back.
    static let forwardAnswerMargin = Duration.seconds(10)

    /// Why `name` names no preset of the caller's tenant.
    static func unknownPreset(_ name: String, known: [String: RenderPreset], tenants: TenantDirectory?) -> String {
        guard tenants != nil else { return "unknown preset \"\(name)\": presets come from a tenants file, and this server has none" }
        guard !known.isEmpty else { return "unknown preset \"\(name)\": your tenant has no presets" }
        return "unknown preset \"\(name)\": your tenant's presets are \(known.keys.sorted().joined(separator: ", "))"
    }
}
