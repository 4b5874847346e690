import Foundation
import Rendering
import RenderTypes
import SessionContext

/// Params of `usage.get`: a period of the caller's tenant, or one of its sessions.
struct UsageGetParams: RpcParams {
    var period: String?
    var sessionId: SessionID?

    enum CodingKeys: String, CodingKey {
        case period
        case sessionId = "session_id"
    }

    static let parameters = [
        RpcParameter(
            "period", .string(oneOf: UsagePeriod.allCases.map(\.rawValue)),
            summary: "The current UTC minute, day (default) or month of the caller's tenant."),
        RpcParameter("session_id", sessionIDSchema, summary: "A session of the caller's: its totals instead of a period's."),
    ]
}

/// `usage.get` (SPEC *Tenants*): what the caller's renders spent in the current UTC minute, day or
/// month, or in one of its sessions — as the sum of the `usage` of every render counted.
enum UsageMethods {
    static let usageSchema = JSONSchema.object(
        [
            "browser_ms": .integer(minimum: 0), "bytes_in": .integer(minimum: 0), "bytes_out": .integer(minimum: 0),
            "renders": .integer(minimum: 0),
        ],
        required: ["browser_ms", "bytes_in", "bytes_out", "renders"]
    ).described("What renders spent: browser time from lease to dispose, bytes received and sent, renders.")

    static func register(in registry: inout RpcMethodRegistry, sessions: SessionService) {
        registry.addSchema("Usage", usageSchema)
        registry.register(
            "usage.get", summary: "The caller's usage in the current UTC minute, day or month, or one session's.",
            params: UsageGetParams.self,
            result: RpcResultSpec(
                "usage",
                .object(
                    [
                        "tenant": .string, "period": .string(oneOf: UsagePeriod.allCases.map(\.rawValue)), "start": .string,
                        "resets_at": .string, "session_id": .string, "usage": .ref("Usage"),
                    ],
                    required: ["tenant", "usage"])),
            errors: [.invalidParams, .sessionNotFound]
        ) { (params: UsageGetParams, context: RpcCallContext) -> JSONValue in
            if let sessionId = params.sessionId {
                guard params.period == nil else {
                    throw RpcMethodError.invalidParams(field: "period", reason: "not with session_id: a session's totals cover all its renders")
                }
                let id = sessionId.inTenant(context.tenant)
                // Another tenant's session is one that does not exist.
                guard try await sessions.store.backend.load(id) != nil else {
                    throw RpcMethodError.sessionNotFound(sessionID: id.rawValue)
                }
                return [
                    "tenant": .string(context.tenant.rawValue), "session_id": .string(id.rawValue),
                    "usage": sessions.usage.totals(of: id).json,
                ]
            }
            let name = params.period ?? UsagePeriod.day.rawValue
            guard let period = UsagePeriod(rawValue: name) else {
                throw RpcMethodError.invalidParams(field: "period", reason: "must be one of minute, day, month")
            }
            let totals = sessions.usage.totals(of: context.tenant, period: period)
            return [
                "tenant": .string(context.tenant.rawValue), "period": .string(period.rawValue),
                "start": .string(RFC3339.string(from: totals.start)), "resets_at": .string(RFC3339.string(from: totals.end)),
                "usage": totals.usage.json,
            ]
        }
    }
}
