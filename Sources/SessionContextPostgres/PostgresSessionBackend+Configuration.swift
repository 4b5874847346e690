extension PostgresSessionBackend {
    /// The pool, the time limits and the reconnection pace; defaults are the documented ones
    /// (docs/scaling.md).
    public struct Configuration: Sendable {
        /// Most connections this backend (one node) opens, at least two (the creation gate holds one
        /// while its body uses another); the pool opens them on demand and closes idle ones after a minute.
        public var maximumConnections: Int
        /// Longest one call may take, waiting for a connection included; also the server's
        /// `statement_timeout` and `lock_timeout` for this backend's connections, so a statement
        /// waiting on another node's row lock ends too.
        public var operationTimeout: Duration
        /// Longest opening one TCP connection may take.
        public var connectTimeout: Duration
        /// First pause after a failed attempt to reach the database; doubled after each further
        /// failure up to `maximumRetryDelay`.
        public var initialRetryDelay: Duration
        /// Longest pause between two attempts to reach the database.
        public var maximumRetryDelay: Duration
        /// The name the server shows for these connections (`pg_stat_activity.application_name`).
        public var applicationName: String

        public init(
            maximumConnections: Int = 10, operationTimeout: Duration = .seconds(5), connectTimeout: Duration = .seconds(5),
            initialRetryDelay: Duration = .milliseconds(250), maximumRetryDelay: Duration = .seconds(10),
            applicationName: String = "tidepool"
        ) {
            // The creation gate holds one connection while its body uses another.
            precondition(maximumConnections >= 2, "a pool needs at least two connections")
            precondition(operationTimeout > .zero && connectTimeout > .zero, "time limits must be positive")
            precondition(initialRetryDelay > .zero && maximumRetryDelay >= initialRetryDelay, "retry delays must grow")
            self.maximumConnections = maximumConnections
            self.operationTimeout = operationTimeout
            self.connectTimeout = connectTimeout
            self.initialRetryDelay = initialRetryDelay
            self.maximumRetryDelay = maximumRetryDelay
            self.applicationName = applicationName
        }
    }
}
