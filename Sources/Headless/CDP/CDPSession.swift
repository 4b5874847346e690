public import RenderTypes

/// Layer 2 of the CDP stack: one target attached in flattened mode (`Target.attachToTarget` with
/// `flatten: true`). Its commands and events carry its `sessionId`. When the target detaches or
/// crashes, pending and later commands fail with `CDPError.targetClosed`.
public final class CDPSession: Sendable {
    public let connection: CDPConnection
    public let sessionId: String
    public let targetId: String

    init(connection: CDPConnection, sessionId: String, targetId: String) {
        self.connection = connection
        self.sessionId = sessionId
        self.targetId = targetId
    }

    /// Sends a typed command to this target (default timeout: the connection's).
    public func send<C: CDPCommand>(_ command: C, timeout: Duration? = nil) async throws(CDPError) -> C.Response {
        try await connection.send(command, sessionId: sessionId, timeout: timeout)
    }

    /// Sends an untyped command to this target and returns the reply's `result`.
    public func send(method: String, params: JSONValue? = nil, timeout: Duration? = nil) async throws(CDPError)
        -> JSONValue
    {
        try await connection.send(method: method, params: params, sessionId: sessionId, timeout: timeout)
    }

    /// This target's events (optionally only some methods); subscribe before causing them.
    public func events(methods: Set<String>? = nil) -> CDPEventStream {
        connection.events(sessionId: sessionId, methods: methods)
    }

    /// Why this session can no longer be used, or nil while it is usable.
    public var closeReason: String? { connection.sessionCloseReason(sessionId) }

    /// Detaches from the target (the target itself stays open).
    public func detach(timeout: Duration? = nil) async throws(CDPError) {
        _ = try await connection.send(CDP.Target.DetachFromTarget(sessionId: sessionId), timeout: timeout)
    }
}
