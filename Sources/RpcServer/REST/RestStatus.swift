import HTTPTypes
import RenderTypes

/// The HTTP status a REST answer carries for each JSON-RPC error code (docs/API.md, "REST"). The
/// body is the same error object (`{"error": {"code", "message", "data"}}`).
enum RestStatus {
    static func status(for error: RpcErrorObject) -> HTTPResponse.Status {
        guard let code = error.knownCode else { return .internalServerError }
        switch code {
        case .parseError, .invalidRequest, .invalidParams: return .badRequest
        case .methodNotFound, .sessionNotFound: return .notFound
        case .sessionExpired: return .gone
        case .requestLimitReached: return .forbidden
        case .renderTimeout: return .gatewayTimeout
        case .navigationFailed, .urlNotAllowed, .actionFailed: return .unprocessableContent
        case .overloaded: return .tooManyRequests
        case .budgetExceeded: return HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")
        case .browserCrashed: return .serviceUnavailable
        // An internal error that names a reason is something unreachable (the session database): retry later.
        case .internalError: return error.data?["reason"] == nil ? .internalServerError : .serviceUnavailable
        }
    }

    /// Every status `status(for:)` gives `code`, for the OpenAPI document.
    static func statuses(for code: RpcErrorCode) -> [Int] {
        switch code {
        case .internalError: [500, 503]
        default: [Int(status(for: RpcErrorObject(code)).code)]
        }
    }

    /// `Retry-After` (whole seconds, rounded up) for an answer of -32006, which says when to retry.
    static func retryAfterSeconds(for error: RpcErrorObject) -> Int? {
        guard error.knownCode == .overloaded, let milliseconds = error.data?["retry_after_ms"]?.intValue else { return nil }
        return max(1, (milliseconds + 999) / 1000)
    }
}
