import Rendering
import RenderTypes
import SessionContext

/// `session.*`: create, read, list, delete, extend, set_metadata, stats, cleanup (SPEC "Sessions").
enum SessionMethods {
    static func register(in registry: inout RpcMethodRegistry, sessions: SessionService) {
        let info = RpcResultSpec("session", .ref("SessionInfo"))
        let lookupErrors: [RpcErrorCode] = [.invalidParams, .sessionNotFound, .sessionExpired]

        registry.register(
            "session.create", summary: "Creates a session and returns it.", params: SessionCreateParams.self,
            result: info, errors: [.invalidParams, .budgetExceeded]
        ) { params, _ in try await sessions.create(params) }

        registry.register(
            "session.get", summary: "Returns a live session (an access: renews it with auto_renew).",
            params: SessionIDParams.self, result: info, errors: lookupErrors
        ) { params, _ in try await sessions.change(params.sessionId) { SessionInfo($0) } }

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
        ) { params, _ in try await sessions.list(params) }

        registry.register(
            "session.delete", summary: "Deletes a session, its cookies and its profile directory.",
            params: SessionIDParams.self, result: RpcResultSpec("outcome", deletedSchema("deleted")),
            errors: [.invalidParams]
        ) { params, context in
            ["deleted": JSONValue.bool(try await sessions.delete(params.sessionId, forwardedBy: context.forwardedBy))]
        }

        registry.register(
            "session.extend", summary: "Gives a live session a new ttl counted from now.",
            params: SessionExtendParams.self, result: info, errors: lookupErrors
        ) { params, _ in SessionInfo(try await sessions.store.extend(params.sessionId, ttlSeconds: params.ttlSecs)) }

        registry.register(
            "session.set_metadata", summary: "Merges metadata into a session; a null value removes the key.",
            params: SessionSetMetadataParams.self, result: info, errors: lookupErrors
        ) { params, _ in SessionInfo(try await sessions.store.mergeMetadata(params.sessionId, params.metadata)) }

        registry.register(
            "session.stats", summary: "Aggregate figures of the session store.", params: NoParams.self,
            result: RpcResultSpec("metrics", .ref("SessionMetrics"))
        ) { (_: NoParams, _) in try await sessions.store.metrics() }

        registry.register(
            "session.cleanup", summary: "Removes every expired session now.", params: NoParams.self,
            result: RpcResultSpec("outcome", .object(["removed": .integer(minimum: 0)], required: ["removed"]))
        ) { (_: NoParams, _) in ["removed": JSONValue.int(try await sessions.cleanup())] }
    }

    /// `{<key>: bool}`.
    static func deletedSchema(_ key: String) -> JSONSchema {
        .object([key: .boolean], required: [key])
    }
}
