import Foundation
import Rendering
import RenderTypes
import SessionContext

/// `live.create|status|revoke|wait` (SPEC *Hand-off*): a session shown to a person in their own
/// browser through a single-use link (`LiveBridge`), to watch or to drive (solve a CAPTCHA, type a
/// 2FA code) until they press Done. A live id belongs to its session's tenant: another tenant's id
/// answers as an unknown one (-32602, field `live_id`).
enum LiveMethods {
    static let maxWaitMs = 600_000

    static func register(in registry: inout RpcMethodRegistry, renders: RenderService, health: HealthReporter, clustered: Bool) {
        registry.register(
            "live.create",
            summary: "Opens a live view of a session: a single-use link to a page showing the session's page live; "
                + "in control mode the viewer drives it (the session is held until Done, then its state is written back).",
            params: LiveCreateParams.self,
            result: RpcResultSpec(
                "live view",
                .object(
                    [
                        "live_id": .string, "session_id": .string, "url": .string, "expires_at": .string, "mode": .string,
                        "ttl_secs": .integer(minimum: 1),
                    ],
                    required: ["live_id", "session_id", "url", "expires_at", "mode", "ttl_secs"])),
            errors: [.invalidParams, .sessionNotFound, .sessionExpired, .overloaded]
        ) { (params: LiveCreateParams, context: RpcCallContext) -> JSONValue in
            let mode: LiveMode
            switch params.mode {
            case nil: mode = .view
            case let name?:
                guard let known = LiveMode(rawValue: name) else {
                    throw RpcMethodError.invalidParams(field: "mode", reason: "must be \"view\" or \"control\", got \"\(name)\"")
                }
                mode = known
            }
            let id = params.sessionId.inTenant(context.tenant)
            let (token, hash) = HandoffToken.make()
            let grant = try await renders.createLive(id, mode: mode, ttlSeconds: params.ttlSecs, tokenHash: hash, forwardedBy: context.forwardedBy)
            let origin = clustered ? nil : RequestOrigin.current
            let http = origin?.httpBase ?? health.node?.advertiseURL ?? "http://127.0.0.1"
            return [
                "live_id": .string(grant.view.id), "session_id": .string(id.rawValue), "url": .string("\(http)/live/\(token)"),
                "expires_at": .string(RFC3339.string(from: grant.view.expiresAt)), "mode": .string(mode.rawValue),
                "ttl_secs": .int(grant.ttlSeconds),
            ]
        }
        registry.register(
            "live.status",
            summary: "A live view's state: waiting for its viewer, connected, or ended (and how), with the page's URL and counts.",
            params: LiveIDParams.self,
            result: RpcResultSpec("live view status", .object([:])),
            errors: [.invalidParams]
        ) { (params: LiveIDParams, context: RpcCallContext) -> JSONValue in
            status(try await lookup(params.liveId, renders: renders, tenant: context.tenant))
        }
        registry.register(
            "live.revoke",
            summary: "Ends a live view now: its link stops working, its viewer is disconnected, and (in control mode) "
                + "the session's state is written back and its hold released. Revoking an ended view changes nothing.",
            params: LiveIDParams.self,
            result: RpcResultSpec("live view status", .object([:])),
            errors: [.invalidParams]
        ) { (params: LiveIDParams, context: RpcCallContext) -> JSONValue in
            let view = try await lookup(params.liveId, renders: renders, tenant: context.tenant)
            view.end(.revoked)
            // Answers once the write-back is done, so the next render sees the state.
            _ = await view.finished(timeout: .seconds(30))
            return status(view)
        }
        registry.register(
            "live.wait",
            summary: "Waits until a live view ends (Done, revoked, expired, the session deleted, the viewer gone) and its "
                + "state is written back; answers ended: false when timeout_ms passes first.",
            params: LiveWaitParams.self,
            result: RpcResultSpec("live view status", .object([:])),
            errors: [.invalidParams]
        ) { (params: LiveWaitParams, context: RpcCallContext) -> JSONValue in
            let view = try await lookup(params.liveId, renders: renders, tenant: context.tenant)
            let timeout = params.timeoutMs ?? 30_000
            guard (0...maxWaitMs).contains(timeout) else {
                throw RpcMethodError.invalidParams(field: "timeout_ms", reason: "must be 0…\(maxWaitMs), got \(timeout)")
            }
            _ = await view.finished(timeout: .milliseconds(timeout))
            return status(view)
        }
    }

    /// The caller's view `liveID`; an unknown id and another tenant's alike are -32602 `live_id`.
    private static func lookup(_ liveID: String, renders: RenderService, tenant: TenantID) async throws -> LiveView {
        guard let view = try await renders.liveView(liveID, tenant: tenant) else {
            throw RpcMethodError.invalidParams(
                field: "live_id", reason: "no live view \(liveID): it is wrong, or it ended more than 10 minutes ago")
        }
        return view
    }

    /// `state` is `waiting` (no viewer yet), `connected`, `ending` (its write-back runs) or `ended`
    /// (with `ended_reason`); `ended` is true once it is over.
    static func status(_ view: LiveView) -> JSONValue {
        let state: String
        if view.finishedReason != nil {
            state = "ended"
        } else if view.endReason != nil {
            state = "ending"
        } else {
            state = view.isClaimed ? "connected" : "waiting"
        }
        var result: [String: JSONValue] = [
            "live_id": .string(view.id), "session_id": .string(view.sessionID.rawValue), "mode": .string(view.mode.rawValue),
            "state": .string(state), "ended": .bool(view.finishedReason != nil),
            "expires_at": .string(RFC3339.string(from: view.expiresAt)), "frames_sent": .int(view.framesSent),
            "inputs_relayed": .int(view.inputsRelayed), "inputs_dropped": .int(view.inputsDropped),
        ]
        if let reason = view.finishedReason ?? view.endReason { result["ended_reason"] = .string(reason.rawValue) }
        if let url = view.url { result["page_url"] = .string(url) }
        return .object(result)
    }
}
