public import Logging

extension RpcClient {
    /// Everything about how the client talks to the server; defaults live here only.
    public struct Configuration: Sendable {
        /// Sent as `Authorization: Bearer <token>`: the server's `TIDEPOOL_TOKEN`, when it has one.
        public var token: String?
        /// When failed calls are tried again.
        public var retryPolicy: RetryPolicy
        /// The deadline of one call: every attempt and every wait between attempts fits in it.
        public var timeout: Duration
        /// A render's deadline is at least its own `timeout_ms` (default 30 s) plus this.
        public var renderDeadlineGrace: Duration
        /// How long opening a connection may take.
        public var connectTimeout: Duration
        /// Keep-alive connections kept open to the server at most.
        public var maxConnections: Int
        /// How long an unused keep-alive connection stays open.
        public var idleConnectionTimeout: Duration
        /// The largest answer accepted (screenshots and PDFs come base64 inside it).
        public var maxResponseBytes: Int
        /// How often a session store the client creates (`enableSessions()`) drops expired sessions;
        /// nil never. A store passed to `init(url:sessionStore:)` is yours to clean.
        public var sessionCleanupInterval: Duration?
        /// Where the client logs (retries, session bookkeeping failures) at debug and warning level.
        public var logger: Logger

        public init(
            token: String? = nil, retryPolicy: RetryPolicy = .default, timeout: Duration = .seconds(60),
            renderDeadlineGrace: Duration = .seconds(10), connectTimeout: Duration = .seconds(5),
            maxConnections: Int = 8, idleConnectionTimeout: Duration = .seconds(60),
            maxResponseBytes: Int = 64 << 20, sessionCleanupInterval: Duration? = .seconds(60),
            logger: Logger = Logger(label: "tidepool.client")
        ) {
            self.token = token
            self.retryPolicy = retryPolicy
            self.timeout = timeout
            self.renderDeadlineGrace = renderDeadlineGrace
            self.connectTimeout = connectTimeout
            self.maxConnections = max(1, maxConnections)
            self.idleConnectionTimeout = idleConnectionTimeout
            self.maxResponseBytes = max(1024, maxResponseBytes)
            self.sessionCleanupInterval = sessionCleanupInterval
            self.logger = logger
        }
    }
}
