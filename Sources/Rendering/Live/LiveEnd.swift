/// How a live view ended, as `live.wait` and `live.status` report it.
public enum LiveEnd: String, Sendable, Hashable {
    /// The viewer pressed Done.
    case done
    /// `live.revoke`.
    case revoked
    /// Its TTL ran out (with a viewer or without one).
    case expired
    /// The session was deleted (nothing is written back).
    case sessionDeleted = "session_deleted"
    /// The viewer's page closed or its connection failed without Done.
    case viewerLeft = "viewer_left"
    /// The viewer stopped reading or sent nothing for longer than the idle timeout.
    case idle
    /// The server is shutting down.
    case serverStopping = "server_stopping"
    /// The view's browser failed (crashed, or its page went away).
    case failed
}
