public import Foundation
public import RenderTypes

/// Why a session operation failed. Every case carries what a caller needs to react, and maps to one
/// JSON-RPC error (`rpcError`): -32001 not found, -32002 expired, -32003 limit reached, -32602 bad
/// input, -32603 backend failure or an unreachable backend.
public enum SessionError: Error, Sendable, Hashable {
    /// No session has this id (it never existed, was removed, or was cleaned up after expiring).
    case notFound(SessionID)
    /// The session exists but expired at `expiredAt`; it is never served again, only cleaned up.
    case expired(SessionID, expiredAt: Date)
    /// The session already counted `maxRequests` requests; this one was refused and not counted.
    case requestLimitReached(SessionID, maxRequests: Int)
    /// `id` is not a valid session id (`[A-Za-z0-9_.-]{1,128}`).
    case invalidId(String, reason: String)
    /// `create` was asked for an id that is already taken.
    case alreadyExists(SessionID)
    /// A value the caller gave is out of bounds (`field` names it, e.g. `ttl_secs`, `metadata`).
    case invalidValue(field: String, reason: String)
    /// The storage backend failed (I/O, corrupt record, closed store); `description` says which.
    case backend(String)
    /// The storage backend cannot be reached right now (a database that is down or still being
    /// connected to); the same call may succeed later. `description` names the database, never its
    /// credentials, and is safe to show a caller.
    case unavailable(String)
    /// A write under a session's lease was refused: the lease ran out and another node has the
    /// session now (`ClusterSessionBackend`'s fencing), so what this holder wanted to write would
    /// overwrite the newer holder's. Nothing was written.
    case leaseLost(SessionID)

    /// A sentence saying what failed, without the session id.
    public var reason: String {
        switch self {
        case .notFound: "session not found"
        case .expired(_, let expiredAt): "session expired at \(RFC3339.string(from: expiredAt))"
        case .requestLimitReached(_, let max): "session reached its limit of \(max) requests"
        case .invalidId(_, let reason): reason
        case .alreadyExists: "a session with this id already exists"
        case .invalidValue(_, let reason): reason
        case .backend(let description): description
        case .unavailable(let description): description
        case .leaseLost: "the session's lease passed to another node meanwhile, so this write was refused"
        }
    }

    /// The JSON-RPC error object of SPEC's table for this failure.
    public var rpcError: RpcErrorObject {
        switch self {
        case .notFound(let id):
            RpcErrorObject(.sessionNotFound, data: ["session_id": .string(id.rawValue)])
        case .expired(let id, let expiredAt):
            RpcErrorObject(
                .sessionExpired,
                data: ["session_id": .string(id.rawValue), "expired_at": .string(RFC3339.string(from: expiredAt))]
            )
        case .requestLimitReached(let id, let max):
            RpcErrorObject(.requestLimitReached, data: ["session_id": .string(id.rawValue), "max_requests": .int(max)])
        case .invalidId(_, let reason):
            RpcErrorObject(.invalidParams, data: ["field": "session_id", "reason": .string(reason)])
        case .alreadyExists:
            RpcErrorObject(.invalidParams, data: ["field": "session_id", "reason": .string(reason)])
        case .invalidValue(let field, let reason):
            RpcErrorObject(.invalidParams, data: ["field": .string(field), "reason": .string(reason)])
        case .backend:
            // Details stay in the server's log; the handler adds `request_id`.
            RpcErrorObject(.internalError)
        case .unavailable(let description):
            // Which database is down is what a caller needs to know (retry later, page someone); it
            // names no credentials.
            RpcErrorObject(.internalError, data: ["reason": .string(description)])
        case .leaseLost(let id):
            // The call may be retried as it is: the next one renders under a fresh lease.
            RpcErrorObject(.internalError, data: ["session_id": .string(id.rawValue), "reason": .string(reason)])
        }
    }
}

extension SessionError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notFound(let id):
            "session \(id) not found: create it first (session.create) or check the id"
        case .expired(let id, _):
            "session \(id): \(reason); create a new session"
        case .requestLimitReached(let id, _):
            "session \(id): \(reason); create a new session or raise max_requests"
        case .invalidId(let text, let reason):
            "invalid session id \"\(text.prefix(140))\": \(reason)"
        case .alreadyExists(let id):
            "session \(id) already exists: use getOrCreate or another id"
        case .invalidValue(let field, let reason):
            "invalid \(field): \(reason)"
        case .backend(let description):
            "session storage failed: \(description)"
        case .unavailable(let description):
            "session storage unavailable: \(description)"
        case .leaseLost(let id):
            "session \(id): \(reason); retry the call"
        }
    }
}
