public import Logging
public import SessionContext

/// What a method handler knows about the call it serves.
public struct RpcCallContext: Sendable {
    /// The method name as the caller sent it (an alias stays an alias).
    public var method: String
    /// Whether the caller expects no answer (a notification).
    public var isNotification: Bool
    /// The request's logger, carrying the HTTP request id.
    public var logger: Logger
    /// The node that forwarded this call here (its `Tidepool-Forwarded-By` header); nil for a call
    /// from a client. A forwarded call is served here, never forwarded again.
    public var forwardedBy: String?
    /// The tenant the call is made for: the sessions it names, lists or counts are this tenant's.
    public var tenant: TenantID

    public init(
        method: String, isNotification: Bool, logger: Logger, tenant: TenantID = .default, forwardedBy: String? = nil
    ) {
        self.method = method
        self.isNotification = isNotification
        self.logger = logger
        self.tenant = tenant
        self.forwardedBy = forwardedBy
    }
}
