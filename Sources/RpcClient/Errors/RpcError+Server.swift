import Foundation
public import RenderTypes
public import SessionContext

extension RpcError {
    /// The typed error for an error object the server answered. Fields missing from `data` take
    /// neutral values (empty text, 0), so a known code always maps to its own case.
    public init(_ object: RpcErrorObject) {
        let data = object.data ?? .null
        let text = { (key: String) in data[key]?.stringValue ?? "" }
        let int = { (key: String) in data[key]?.intValue }
        guard let code = object.knownCode else {
            self = .server(object)
            return
        }
        switch code {
        case .parseError: self = .parseError(message: object.message)
        case .invalidRequest: self = .invalidRequest(message: object.message)
        case .methodNotFound: self = .methodNotFound(method: text("method"))
        case .invalidParams: self = .invalidParams(field: text("field"), reason: data["reason"]?.stringValue ?? object.message)
        case .internalError: self = .internalError(requestID: data["request_id"]?.stringValue)
        case .sessionNotFound: self = .sessionNotFound(text("session_id"))
        case .sessionExpired:
            self = .sessionExpired(text("session_id"), expiredAt: data["expired_at"]?.stringValue.flatMap(RFC3339.date))
        case .requestLimitReached: self = .requestLimitReached(max: int("max_requests") ?? 0, sessionID: text("session_id"))
        case .renderTimeout: self = .renderTimeout(stage: text("stage"), elapsedMs: int("elapsed_ms") ?? 0)
        case .navigationFailed: self = .navigationFailed(url: text("url"), netError: text("net_error"))
        case .overloaded: self = .overloaded(retryAfterMs: int("retry_after_ms"), queueLength: int("queue_length"))
        case .budgetExceeded: self = .budgetExceeded(scope: text("scope"), limit: int("limit") ?? 0, used: int("used") ?? 0)
        case .browserCrashed: self = .browserCrashed(retried: data["retried"]?.boolValue ?? false)
        case .urlNotAllowed: self = .urlNotAllowed(url: text("url"), reason: text("reason"))
        case .actionFailed: self = .actionFailed(actionIndex: int("action_index") ?? 0, reason: text("reason"))
        }
    }

    /// The typed error for a failure of the client's own session store: the same cases the server
    /// answers for the same condition (`sessionNotFound`, `sessionExpired`, `requestLimitReached`,
    /// `invalidParams`), so callers handle both alike.
    public init(_ error: SessionError) {
        switch error {
        case .backend(let description), .unavailable(let description):
            self = .sessionStore(description)
        case .leaseLost:
            self = .sessionStore(error.description)
        default:
            self.init(error.rpcError)
        }
    }

    /// The JSON-RPC code: the server's for server errors, nil for transport and client failures.
    public var code: Int? {
        switch self {
        case .parseError: RpcErrorCode.parseError.rawValue
        case .invalidRequest: RpcErrorCode.invalidRequest.rawValue
        case .methodNotFound: RpcErrorCode.methodNotFound.rawValue
        case .invalidParams: RpcErrorCode.invalidParams.rawValue
        case .internalError: RpcErrorCode.internalError.rawValue
        case .sessionNotFound: RpcErrorCode.sessionNotFound.rawValue
        case .sessionExpired: RpcErrorCode.sessionExpired.rawValue
        case .requestLimitReached: RpcErrorCode.requestLimitReached.rawValue
        case .renderTimeout: RpcErrorCode.renderTimeout.rawValue
        case .navigationFailed: RpcErrorCode.navigationFailed.rawValue
        case .overloaded: RpcErrorCode.overloaded.rawValue
        case .budgetExceeded: RpcErrorCode.budgetExceeded.rawValue
        case .browserCrashed: RpcErrorCode.browserCrashed.rawValue
        case .urlNotAllowed: RpcErrorCode.urlNotAllowed.rawValue
        case .actionFailed: RpcErrorCode.actionFailed.rawValue
        case .server(let object): object.code
        case .connectionFailed, .httpStatus, .invalidResponse, .deadlineExceeded, .cancelled, .clientShutDown,
            .invalidArgument, .sessionsNotEnabled, .sessionStore:
            nil
        }
    }

    /// The server's `data` for this error, rebuilt from the typed fields (nil for transport and
    /// client failures). `server` errors keep the object exactly as it arrived.
    public var data: JSONValue? {
        switch self {
        case .parseError, .invalidRequest: nil
        case .methodNotFound(let method): ["method": .string(method)]
        case .invalidParams(let field, let reason): ["field": .string(field), "reason": .string(reason)]
        case .internalError(let requestID): requestID.map { ["request_id": .string($0)] }
        case .sessionNotFound(let id): ["session_id": .string(id)]
        case .sessionExpired(let id, let expiredAt):
            .object(
                ["session_id": .string(id), "expired_at": expiredAt.map { .string(RFC3339.string(from: $0)) }]
                    .compactMapValues { $0 })
        case .requestLimitReached(let max, let id): ["session_id": .string(id), "max_requests": .int(max)]
        case .renderTimeout(let stage, let elapsedMs): ["stage": .string(stage), "elapsed_ms": .int(elapsedMs)]
        case .navigationFailed(let url, let netError): ["url": .string(url), "net_error": .string(netError)]
        case .overloaded(let retryAfterMs, let queueLength):
            .object(["retry_after_ms": retryAfterMs.map(JSONValue.int), "queue_length": queueLength.map(JSONValue.int)]
                .compactMapValues { $0 })
        case .budgetExceeded(let scope, let limit, let used):
            ["scope": .string(scope), "limit": .int(limit), "used": .int(used)]
        case .browserCrashed(let retried): ["retried": .bool(retried)]
        case .urlNotAllowed(let url, let reason): ["url": .string(url), "reason": .string(reason)]
        case .actionFailed(let index, let reason): ["action_index": .int(index), "reason": .string(reason)]
        case .server(let object): object.data
        case .connectionFailed, .httpStatus, .invalidResponse, .deadlineExceeded, .cancelled, .clientShutDown,
            .invalidArgument, .sessionsNotEnabled, .sessionStore:
            nil
        }
    }

    /// How long the server asked to wait before retrying (`overloaded`'s `retry_after_ms`).
    public var retryAfter: Duration? {
        if case .overloaded(let ms?, _) = self { return .milliseconds(max(0, ms)) }
        return nil
    }
}
