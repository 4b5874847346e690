/// Where and how the HTTP server listens; defaults are the documented ones.
public struct HTTPConfiguration: Sendable, Hashable {
    /// Address to bind. The default keeps the server private to this machine.
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// Largest request body accepted on /rpc; a larger one gets 413.
    public var maxBodyBytes: Int
    /// When set, /rpc and /metrics need `Authorization: Bearer <token>`; with a tenants file, the
    /// node token nodes forward calls with.
    public var bearerToken: String?
    /// The tenants file (`TenantsFile`): when set, a caller's `Authorization: Bearer <key>` picks its
    /// tenant, and a call without a known key is 401.
    public var tenantsFile: String?
    /// A connection with nothing to read or write for this long is closed.
    public var idleTimeout: Duration
    /// Connections open at once; further ones wait in the listen backlog.
    public var maxConnections: Int

    public init(
        host: String = "127.0.0.1", port: Int = 9123, maxBodyBytes: Int = 1 << 20, bearerToken: String? = nil,
        tenantsFile: String? = nil, idleTimeout: Duration = .seconds(75), maxConnections: Int = 1024
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.bearerToken = bearerToken
        self.tenantsFile = tenantsFile
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
