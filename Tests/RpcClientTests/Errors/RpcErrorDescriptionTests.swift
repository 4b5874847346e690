import Foundation
import RenderTypes
import RpcClient
import SessionContext
import Testing

/// `RpcError` reads well in a log (code, figures, what to do) and maps both ways between the
/// wire's error object and the typed case.
struct RpcErrorDescriptionTests {
    /// Every case of SPEC's table with the `data` the server sends for it.
    static let table: [(RpcErrorCode, JSONValue, RpcError)] = [
        (.methodNotFound, ["method": "x.y"], .methodNotFound(method: "x.y")),
        (.invalidParams, ["field": "config.wait_for.timeout_ms", "reason": "must be between 1 and 120000"],
         .invalidParams(field: "config.wait_for.timeout_ms", reason: "must be between 1 and 120000")),
        (.internalError, ["request_id": "req-7"], .internalError(requestID: "req-7")),
        (.sessionNotFound, ["session_id": "s1"], .sessionNotFound("s1")),
        (.sessionExpired, ["session_id": "s1", "expired_at": "2026-01-01T00:00:00.000Z"],
         .sessionExpired("s1", expiredAt: Date(timeIntervalSince1970: 1_767_225_600))),
        (.requestLimitReached, ["session_id": "s1", "max_requests": 5], .requestLimitReached(max: 5, sessionID: "s1")),
        (.renderTimeout, ["stage": "wait", "elapsed_ms": 30_000], .renderTimeout(stage: "wait", elapsedMs: 30_000)),
        (.navigationFailed, ["url": "http://no.test/", "net_error": "net::ERR_NAME_NOT_RESOLVED"],
         .navigationFailed(url: "http://no.test/", netError: "net::ERR_NAME_NOT_RESOLVED")),
        (.overloaded, ["retry_after_ms": 250, "queue_length": 1000], .overloaded(retryAfterMs: 250, queueLength: 1000)),
        (.budgetExceeded, ["scope": "sessions", "limit": 10, "used": 10], .budgetExceeded(scope: "sessions", limit: 10, used: 10)),
        (.browserCrashed, ["retried": true], .browserCrashed(retried: true)),
        (.urlNotAllowed, ["url": "file:///etc/passwd", "reason": "scheme file is not allowed"],
         .urlNotAllowed(url: "file:///etc/passwd", reason: "scheme file is not allowed")),
        (.actionFailed, ["action_index": 2, "reason": "selector #go matched nothing"],
         .actionFailed(actionIndex: 2, reason: "selector #go matched nothing")),
    ]

    @Test(arguments: 0..<table.count)
    func errorObjectMapsToItsCaseAndBack(row: Int) {
        let (code, data, expected) = Self.table[row]
        let error = RpcError(RpcErrorObject(code, data: data))
        #expect(error == expected)
        #expect(error.code == code.rawValue)
        #expect(error.data == data)
    }

    @Test(arguments: 0..<table.count)
    func descriptionCarriesTheCodeAndEveryFigure(row: Int) {
        let (code, data, error) = Self.table[row]
        #expect(error.description.contains("(\(code.rawValue))"), "\(error)")
        let figures = data.objectValue!.values.compactMap { $0.stringValue ?? $0.intValue.map(String.init) }
        for figure in figures {
            #expect(error.description.contains(figure), "\(error) lacks \(figure)")
        }
    }

    @Test func transportFailuresSayWhatToDo() {
        #expect(RpcError.httpStatus(401, body: "").description.contains("TIDEPOOL_TOKEN"))
        #expect(RpcError.connectionFailed(url: "http://127.0.0.1:9123/rpc", reason: "refused").description.contains("make serve"))
        let deadline = RpcError.deadlineExceeded(timeout: .seconds(2), attempts: 3, lastError: .overloaded(retryAfterMs: 100, queueLength: 4))
        #expect(deadline.description.contains("3 attempt"))
        #expect(deadline.description.contains("overloaded"))
        #expect(deadline.code == nil)
    }

    @Test func localSessionFailuresMapToTheServersCases() {
        let id: SessionID = "local"
        #expect(RpcError(SessionError.notFound(id)) == .sessionNotFound("local"))
        #expect(RpcError(SessionError.requestLimitReached(id, maxRequests: 3)) == .requestLimitReached(max: 3, sessionID: "local"))
        #expect(RpcError(SessionError.invalidValue(field: "ttl_secs", reason: "too long")) == .invalidParams(field: "ttl_secs", reason: "too long"))
        #expect(RpcError(SessionError.backend("disk I/O error")) == .sessionStore("disk I/O error"))
    }

    @Test func unknownCodeIsKeptWhole() {
        let object = RpcErrorObject(code: -31000, message: "Teapot", data: ["x": 1])
        #expect(RpcError(object) == .server(object))
        #expect(RpcError(object).data == ["x": 1])
        #expect(RpcError(object).description.contains("Teapot"))
    }
}
