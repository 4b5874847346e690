import Foundation
import Headless
import Logging
import Rendering
import RenderTypes
import SessionContext

/// THE mapping from typed errors to JSON-RPC error objects: every code of SPEC's table is
/// produced here and nowhere else. Internal errors get a fresh `request_id` that is also logged
/// with the details, which never reach the caller; only an unreachable session database adds a
/// `reason` naming it, since the caller can act on that (retry later).
enum RpcErrorMapping {
    /// The wire error for `error`, thrown while serving `method`.
    static func errorObject(for error: any Error, method: String, logger: Logger) -> RpcErrorObject {
        switch error {
        case let error as RpcMethodError:
            return errorObject(for: error, method: method, logger: logger)
        case let error as FieldError:
            return errorObject(for: .invalidParams(field: error.field, reason: error.reason), method: method, logger: logger)
        case let error as RpcErrorObject:
            return error
        case is CancellationError:
            // The caller left or the server stops: no fault to investigate, so not logged as one. SPEC has
            // no code for it (a cancelled render is -32004 with its stage, mapped from RenderError).
            let requestID = newRequestID()
            logger.info("call cancelled", metadata: ["request_id": "\(requestID)", "rpc.method": "\(method)"])
            return RpcErrorObject(.internalError, data: ["request_id": .string(requestID)])
        default:
            if let mapped = mapLibraryError(error) {
                return errorObject(for: mapped, method: method, logger: logger)
            }
            return errorObject(for: .internalError(detail: String(reflecting: error)), method: method, logger: logger)
        }
    }

    /// The wire error for one of the server's typed errors.
    static func errorObject(for error: RpcMethodError, method: String, logger: Logger) -> RpcErrorObject {
        switch error {
        case .invalidParams(let field, let reason):
            return RpcErrorObject(.invalidParams, data: ["field": .string(field), "reason": .string(reason)])
        case .sessionNotFound(let id):
            return RpcErrorObject(.sessionNotFound, data: ["session_id": .string(id)])
        case .sessionExpired(let id, let expiredAt):
            return RpcErrorObject(
                .sessionExpired, data: ["session_id": .string(id), "expired_at": .string(RFC3339.string(from: expiredAt))]
            )
        case .requestLimitReached(let id, let maxRequests):
            return RpcErrorObject(
                .requestLimitReached, data: ["session_id": .string(id), "max_requests": .int(maxRequests)]
            )
        case .renderTimeout(let stage, let elapsedMs):
            return RpcErrorObject(.renderTimeout, data: ["stage": .string(stage.rawValue), "elapsed_ms": .int(elapsedMs)])
        case .navigationFailed(let url, let netError):
            return RpcErrorObject(.navigationFailed, data: ["url": .string(url), "net_error": .string(netError)])
        case .overloaded(let retryAfterMs, let queueLength):
            return RpcErrorObject(
                .overloaded, data: ["retry_after_ms": .int(retryAfterMs), "queue_length": .int(queueLength)]
            )
        case .budgetExceeded(let scope, let limit, let used):
            return RpcErrorObject(
                .budgetExceeded, data: ["scope": .string(scope), "limit": .int(limit), "used": .int(used)]
            )
        case .refusedForNow(let reason, let retryAfterMs):
            return RpcErrorObject(
                .overloaded, data: ["retry_after_ms": .int(retryAfterMs), "queue_length": 0, "reason": .string(reason)])
        case .rateLimited(let scope, let limit, let retryAfterMs):
            // The shape of every -32006 (`retry_after_ms`, `queue_length`), and which limit refused.
            return RpcErrorObject(
                .overloaded,
                data: ["retry_after_ms": .int(retryAfterMs), "queue_length": 0, "scope": .string(scope), "limit": .int(limit)])
        case .tenantBudgetExceeded(let scope, let limit, let used, let resetsAt):
            var data: [String: JSONValue] = ["scope": .string(scope), "limit": .int(limit), "used": .int(used)]
            if let resetsAt { data["resets_at"] = .string(RFC3339.string(from: resetsAt)) }
            return RpcErrorObject(.budgetExceeded, data: .object(data))
        case .browserCrashed(let retried):
            return RpcErrorObject(.browserCrashed, data: ["retried": .bool(retried)])
        case .urlNotAllowed(let url, let reason):
            return RpcErrorObject(.urlNotAllowed, data: ["url": .string(url), "reason": .string(reason)])
        case .actionFailed(let index, let reason):
            return RpcErrorObject(.actionFailed, data: ["action_index": .int(index), "reason": .string(reason)])
        case .internalError(let detail):
            let requestID = newRequestID()
            logger.error(
                "internal error",
                metadata: ["request_id": "\(requestID)", "rpc.method": "\(method)", "error": "\(detail)"]
            )
            return RpcErrorObject(.internalError, data: ["request_id": .string(requestID)])
        case .unavailable(let reason):
            let requestID = newRequestID()
            logger.warning(
                "unavailable", metadata: ["request_id": "\(requestID)", "rpc.method": "\(method)", "reason": "\(reason)"]
            )
            return RpcErrorObject(.internalError, data: ["request_id": .string(requestID), "reason": .string(reason)])
        }
    }

    /// Translates the typed errors of the libraries below (the render path, sessions, the renderer)
    /// into the server's own; nil for errors nobody typed.
    static func mapLibraryError(_ error: any Error) -> RpcMethodError? {
        if let error = error as? RenderError { return map(error) }
        if let error = error as? RenderingError { return map(error) }
        if let error = error as? TenantLimitError {
            switch error {
            case .rateLimited(let scope, let limit, let retryAfterMs):
                return .rateLimited(scope: scope, limit: limit, retryAfterMs: retryAfterMs)
            case .budgetExceeded(let scope, let limit, let used, let resetsAt):
                return .tenantBudgetExceeded(scope: scope, limit: limit, used: used, resetsAt: resetsAt)
            }
        }
        guard let error = error as? SessionError else { return nil }
        switch error {
        case .notFound(let id):
            return .sessionNotFound(sessionID: id.rawValue)
        case .expired(let id, let expiredAt):
            return .sessionExpired(sessionID: id.rawValue, expiredAt: expiredAt)
        case .requestLimitReached(let id, let maxRequests):
            return .requestLimitReached(sessionID: id.rawValue, maxRequests: maxRequests)
        case .invalidId(_, let reason):
            return .invalidParams(field: "session_id", reason: reason)
        case .alreadyExists:
            return .invalidParams(field: "session_id", reason: error.reason)
        case .invalidValue(let field, let reason):
            return .invalidParams(field: field, reason: reason)
        case .backend(let description):
            return .internalError(detail: "session store: \(description)")
        case .unavailable(let description):
            return .unavailable(reason: description)
        case .leaseLost:
            return .unavailable(reason: error.description)
        }
    }

    /// A render's failure: each `RenderError` case is one code of SPEC's table.
    static func map(_ error: RenderError) -> RpcMethodError {
        switch error {
        case .invalidConfig(let field, let reason):
            return .invalidParams(field: field, reason: reason)
        case .urlNotAllowed(let url, let reason):
            return .urlNotAllowed(url: url, reason: reason)
        // SPEC has no code for a cancelled call (its answer rarely reaches anyone: the caller left or the
        // server stops): it ended before it finished, like a timeout, and is not a crash to retry.
        case .timeout(let stage, let elapsedMs), .cancelled(let stage, let elapsedMs):
            return .renderTimeout(stage: RpcMethodError.TimeoutStage(rawValue: stage.rawValue) ?? .action, elapsedMs: elapsedMs)
        case .navigationFailed(let url, let netError):
            return .navigationFailed(url: url, netError: netError)
        case .actionFailed(let index, let reason):
            return .actionFailed(actionIndex: index, reason: reason)
        case .browserCrashed(let retried, _):
            return .browserCrashed(retried: retried)
        case .overloaded(let queueLength, let retryAfterMs):
            return .overloaded(retryAfterMs: retryAfterMs, queueLength: queueLength)
        case .internalError(let detail):
            return .internalError(detail: detail)
        }
    }

    /// A refusal of the session-aware render path.
    static func map(_ error: RenderingError) -> RpcMethodError {
        switch error {
        case .invalidParams(let field, let reason):
            return .invalidParams(field: field, reason: reason)
        case .budgetExceeded(let scope, let limit, let used):
            return .budgetExceeded(scope: scope, limit: limit, used: used)
        case .overloaded(let retryAfterMs, let queueLength):
            return .overloaded(retryAfterMs: retryAfterMs, queueLength: queueLength)
        case .sessionHeld(let kind, let retryAfterMs):
            return .refusedForNow(reason: kind.heldReason, retryAfterMs: retryAfterMs)
        case .handoffUnavailable(let reason, let retryAfterMs):
            return .refusedForNow(reason: reason, retryAfterMs: retryAfterMs)
        case .ownedElsewhere(let nodeID, let advertiseURL):
            // Only a method that cannot forward gets here: say where the session is served.
            return .unavailable(reason: "the session is served by node \(nodeID) (\(advertiseURL)): call it there")
        }
    }

    /// A short random id tying an internal error's answer to its log line.
    static func newRequestID() -> String {
        "req_" + String(UInt64.random(in: .min ... .max), radix: 16)
    }
}
