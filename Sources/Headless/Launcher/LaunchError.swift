/// Why a browser could not be started; every message is one line that says what to do.
public enum LaunchError: Error, Sendable, Equatable {
    /// No usable Chromium binary; the message names the apt package or the bad path.
    case executableNotFound(String)
    /// The user-data-dir could not be created or used.
    case userDataDir(path: String, reason: String)
    /// posix_spawn (or the pipes before it) failed.
    case spawnFailed(executable: String, errno: Int32, detail: String)
    /// The browser exited before answering its first CDP command.
    case exitedDuringStartup(status: String, stderrTail: String)
    /// The browser did not answer its first CDP command in time.
    case startupTimeout(afterMs: Int, stderrTail: String)
    /// The WebSocket to the browser could not be opened.
    case connectFailed(String)
    /// The launching task was cancelled; the half-started browser has been cleaned up.
    case cancelled
    /// The browser's egress gate (its proxy listener) could not be opened.
    case egressUnavailable(String)
}

extension LaunchError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .executableNotFound(let message):
            message
        case .userDataDir(let path, let reason):
            "cannot use user-data-dir \(path): \(reason)"
        case .spawnFailed(let executable, let code, let detail):
            "cannot start \(executable): \(detail) (errno \(code))"
        case .exitedDuringStartup(let status, let stderrTail):
            "Chromium exited during startup (\(status))" + Self.tail(stderrTail)
        case .startupTimeout(let afterMs, let stderrTail):
            "Chromium did not answer within \(afterMs) ms of starting" + Self.tail(stderrTail)
        case .connectFailed(let detail):
            "cannot connect to Chromium's DevTools WebSocket: \(detail)"
        case .cancelled:
            "browser launch cancelled"
        case .egressUnavailable(let detail):
            "cannot open the browser's egress proxy gate: \(detail)"
        }
    }

    private static func tail(_ stderr: String) -> String {
        let lastLine = stderr.split(separator: "\n").last { !$0.contains("dbus") }
        return lastLine.map { "; stderr: \($0)" } ?? ""
    }
}
