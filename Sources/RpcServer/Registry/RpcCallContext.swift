public import Logging

/// What a method handler knows about the call it serves.
public struct RpcCallContext: Sendable {
    /// The method name as the caller sent it (an alias stays an alias).
    public var method: String
    /// Whether the caller expects no answer (a notification).
    public var isNotification: Bool
    /// The request's logger, carrying the HTTP request id.
    public var logger: Logger

    public init(method: String, isNotification: Bool, logger: Logger) {
        self.method = method
        self.isNotification = isNotification
        self.logger = logger
    }
}
