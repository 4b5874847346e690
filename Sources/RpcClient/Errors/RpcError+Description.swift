import Foundation
import RenderTypes
import SessionContext

extension RpcError: CustomStringConvertible {
    /// One log line: what failed, the figures, and what to do about it.
    public var description: String {
        let coded = { (text: String) in "\(text) (\(self.code.map(String.init) ?? ""))" }
        switch self {
        case .parseError(let message):
            return coded("server could not parse the request: \(message)")
        case .invalidRequest(let message):
            return coded("server refused the request as invalid JSON-RPC: \(message)")
        case .methodNotFound(let method):
            return coded("server has no method \"\(method)\": check the name, or the server's version (rpc.discover)")
        case .invalidParams(let field, let reason):
            return coded(field.isEmpty ? "invalid params: \(reason)" : "invalid param \(field): \(reason)")
        case .internalError(let requestID):
            return coded("server failed internally" + (requestID.map { "; see its log for request_id \($0)" } ?? ""))
        case .sessionNotFound(let id):
            return coded("session \(id) not found: create it (createSession) or check the id")
        case .sessionExpired(let id, let expiredAt):
            let when = expiredAt.map { " at \(RFC3339.string(from: $0))" } ?? ""
            return coded("session \(id) expired\(when): start a new session")
        case .requestLimitReached(let max, let id):
            return coded("session \(id) reached its limit of \(max) requests: nothing was rendered; use a new session")
        case .renderTimeout(let stage, let elapsedMs):
            return coded("render timed out in stage \(stage) after \(elapsedMs) ms: raise config.timeout_ms or the wait's timeout")
        case .navigationFailed(let url, let netError):
            return coded("navigation to \(url) failed: \(netError)")
        case .overloaded(let retryAfterMs, let queueLength):
            let queue = queueLength.map { ", queue length \($0)" } ?? ""
            let after = retryAfterMs.map { "; retry after \($0) ms" } ?? ""
            return coded("server overloaded\(queue)\(after)")
        case .budgetExceeded(let scope, let limit, let used):
            return coded("budget \(scope) exceeded: \(used) used of \(limit)")
        case .browserCrashed(let retried):
            return coded("browser crashed during the call" + (retried ? " (the server already retried once)" : ""))
        case .urlNotAllowed(let url, let reason):
            return coded("URL not allowed: \(url): \(reason)")
        case .actionFailed(let index, let reason):
            return coded("action \(index) failed: \(reason); mark it optional to let the render go on")
        case .server(let object):
            let data = object.data.map { " data \($0.jsonString())" } ?? ""
            return "server error \(object.code): \(object.message)\(data)"
        case .connectionFailed(let url, let reason):
            return "cannot reach Tidepool at \(url): \(reason); is the server running (make serve)?"
        case .httpStatus(let status, let body):
            let hint = switch status {
            case 401: "; set Configuration.token to the server's TIDEPOOL_TOKEN"
            case 413: "; the request is over the server's body limit"
            default: ""
            }
            let excerpt = body.isEmpty ? "" : ": \(body.prefix(200))"
            return "HTTP \(status) from Tidepool\(hint)\(excerpt)"
        case .invalidResponse(let reason):
            return "invalid answer from Tidepool: \(reason)"
        case .deadlineExceeded(let timeout, let attempts, let lastError):
            let last = lastError.map { "; last failure: \($0)" } ?? ""
            return "call deadline of \(timeout) passed after \(attempts) attempt(s)\(last)"
        case .cancelled:
            return "call cancelled"
        case .clientShutDown:
            return "RpcClient was shut down: create a new client"
        case .invalidArgument(let reason):
            return "invalid argument: \(reason)"
        case .sessionsNotEnabled:
            return "client-side sessions are off: call enableSessions() or create the client with a sessionStore"
        case .sessionStore(let reason):
            return "client session store failed: \(reason)"
        }
    }
}
