/// A failed CDP command or subscription: what failed and why, typed so callers can react (retry on a
/// fresh browser, report a timeout stage, surface Chromium's message).
public enum CDPError: Error, Sendable, Equatable {
    /// The transport ended (pipe EOF, socket closed, browser died): every pending command fails at once.
    case browserClosed(reason: String)
    /// The command's target crashed or was detached; commands on that session can never succeed again.
    case targetClosed(sessionId: String, reason: String)
    /// No reply within the command's timeout.
    case timeout(method: String, afterMs: Int)
    /// Chromium answered with an error object (`{"error":{"code":…,"message":…}}`).
    case protocolError(method: String, code: Int, message: String)
    /// The reply did not decode into the expected response type, or the params did not encode.
    case invalidResponse(method: String, detail: String)
    /// The calling task was cancelled while the command was pending; its reply is ignored.
    case cancelled(method: String)
}

extension CDPError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .browserClosed(let reason):
            "browser connection closed: \(reason)"
        case .targetClosed(let sessionId, let reason):
            "target of session \(sessionId) closed: \(reason)"
        case .timeout(let method, let afterMs):
            "\(method) got no reply within \(afterMs) ms"
        case .protocolError(let method, let code, let message):
            "\(method) failed in Chromium (\(code)): \(message)"
        case .invalidResponse(let method, let detail):
            "\(method): unexpected reply: \(detail)"
        case .cancelled(let method):
            "\(method) was cancelled by the caller"
        }
    }
}
