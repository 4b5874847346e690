import Rendering
import RenderTypes
import SessionContext

/// `session.*`: create, read, list, delete, extend, set_metadata, stats, cleanup (SPEC "Sessions").
/// Every id a call names is put in the caller's tenant (`inTenant`) before anything is looked up, and
/// list, stats and cleanup cover the caller's tenant only: another tenant's session is never seen.
enum SessionMethods {
    static func register(in registry: inout RpcMethodRegistry, sessions: SessionService) {
        let info = RpcResultSpec("session", .ref("SessionInfo"))
        let lookupErrors: [RpcErrorCode] = [.invalidParams, .sessionNotFound, .sessionExpired]

        registry.register(
            "session.create", summary: "Creates a session and returns it.", params: SessionCreateParams.self,
            result: info, errors: [.invalidParams, .budgetExceeded]
        ) { params, context in try await sessions.create(params, tenant: context.tenant) }

        registry.register(
            "session.get", summary: "Returns a live session (an access: renews it with auto_renew).",
            params: SessionIDParams.self, result: info, errors: lookupErrors
        ) { params, context in try await sessions.change(params.sessionId.inTenant(context.tenant)) { SessionInfo($0) } }

        registry.register(
            "session.list", summary: "Lists live sessions in id order, a page at a time.",
            params: SessionListParams.self,
            result: RpcResultSpec(
                "page",
                .object(
                    ["sessions": .array(of: .ref("SessionInfo")), "next_cursor": .string],
                    required: ["sessions"]
                )
            ),
            errors: [.invalidParams]
        ) { params, context in try await sessions.list(params, tenant: context.tenant) }

        registry.register(
            "session.delete", summary: "Deletes a session, its cookies and its profile directory.",
            params: SessionIDParams.self, result: RpcResultSpec("outcome", deletedSchema("deleted")),
            errors: [.invalidParams]
        ) { params, context in
            let id = params.sessionId.inTenant(context.tenant)
            return ["deleted": JSONValue.bool(try await sessions.delete(id, forwardedBy: context.forwardedBy))]
        }

        registry.register(
            "session.extend", summary: "Gives a live session a new ttl counted from now.",
            params: SessionExtendParams.self, result: info, errors: lookupErrors
        ) { params, context in
            SessionInfo(try await sessions.store.extend(params.sessionId.inTenant(context.tenant), ttlSeconds: params.ttlSecs))
        }

        registry.register(
            "session.set_metadata", summary: "Merges metadata into a session; a null value removes the key.",
            params: SessionSetMetadataParams.self, result: info, errors: lookupErrors
        ) { params, context in
            SessionInfo(try await sessions.store.mergeMetadata(params.sessionId.inTenant(context.tenant), params.metadata))
        }

        registry.register(
            "session.stats", summary: "Aggregate figures of the caller's sessions.", params: NoParams.self,
            result: RpcResultSpec("metrics", .ref("SessionMetrics"))
        ) { (_: NoParams, context) in try await sessions.store.metrics(tenant: context.tenant) }

        registry.register(
            "session.cleanup", summary: "Removes every expired session of the caller now.", params: NoParams.self,
            result: RpcResultSpec("outcome", .object(["removed": .integer(minimum: 0)], required: ["removed"]))
        ) { (_: NoParams, context) in ["removed": JSONValue.int(try await sessions.cleanup(tenant: context.tenant))] }
    }

    /// `{<key>: bool}`.
    static func deletedSchema(_ key: String) -> JSONSchema {
        .object([key: .boolean], required: [key])
    }
}
