/// Where and how the HTTP server listens; defaults are the documented ones.
public struct HTTPConfiguration: Sendable, Hashable {
    /// Address to bind. The default keeps the server private to this machine.
    public var host: String
    /// Port to bind; 0 picks a free one.
    public var port: Int
    /// Largest request body accepted on /rpc; a larger one gets 413.
    public var maxBodyBytes: Int
    /// When set, /rpc and /metrics need `Authorization: Bearer <token>`.
    public var bearerToken: String?
    /// A connection with nothing to read or write for this long is closed.
    public var idleTimeout: Duration
    /// Connections open at once; further ones wait in the listen backlog.
    public var maxConnections: Int

    public init(
        host: String = "127.0.0.1", port: Int = 9123, maxBodyBytes: Int = 1 << 20, bearerToken: String? = nil,
        idleTimeout: Duration = .seconds(75), maxConnections: Int = 1024
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.bearerToken = bearerToken
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
