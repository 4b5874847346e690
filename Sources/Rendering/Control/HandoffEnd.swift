/// Why a session's hand-off ended (its metrics label and log line).
public enum HandoffEnd: Sendable, Hashable, CustomStringConvertible {
    /// The client closed its connection.
    case clientLeft
    /// The client sent `Browser.close`.
    case browserClose
    /// The client's connection failed, or it read too slowly (`detail` says which).
    case connectionFailed(String)
    /// Its TTL ran out.
    case ttl
    /// No client connected within the connect timeout.
    case neverConnected
    /// The session was deleted (or expired and was cleaned up).
    case sessionDeleted
    /// The server is stopping.
    case serverStopping

    /// The metrics label.
    public var label: String {
        switch self {
        case .clientLeft: "client_left"
        case .browserClose: "browser_close"
        case .connectionFailed: "connection_failed"
        case .ttl: "ttl"
        case .neverConnected: "never_connected"
        case .sessionDeleted: "session_deleted"
        case .serverStopping: "server_stopping"
        }
    }

    static let labels = [
        "client_left", "browser_close", "connection_failed", "ttl", "never_connected", "session_deleted", "server_stopping",
    ]

    public var description: String {
        switch self {
        case .clientLeft: "the client disconnected"
        case .browserClose: "the client sent Browser.close"
        case .connectionFailed(let detail): "the client's connection failed: \(detail)"
        case .ttl: "its ttl ran out"
        case .neverConnected: "no client connected in time"
        case .sessionDeleted: "the session was deleted"
        case .serverStopping: "the server is stopping"
        }
    }
}
