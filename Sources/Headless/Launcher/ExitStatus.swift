/// How a child process ended.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(code: Int32)
    case signaled(signal: Int32)

    /// Decodes a `waitpid` status word (the WIFEXITED/WEXITSTATUS/WTERMSIG macros).
    init(waitStatus status: Int32) {
        if status & 0x7f == 0 {
            self = .exited(code: (status >> 8) & 0xff)
        } else {
            self = .signaled(signal: status & 0x7f)
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exit code \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}
