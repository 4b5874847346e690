import AsyncSupport
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A spawned browser process, leader of its own process group. A dedicated thread waits for it to
/// exit; at that moment (while the exited leader still reserves the group id) the whole group is
/// killed, so no renderer or zygote outlives the browser, and then the leader is reaped.
public final class ChromiumProcess: Sendable {
    /// The browser's pid, also its process group id.
    public let pid: Int32
    private let shared = Shared()

    /// State shared with the reaper thread (which must not keep the process object alive).
    private final class Shared: Sendable {
        let reaped = Mutex<Bool>(false)
        let exit = AsyncLatch<ExitStatus>()
    }

    init(pid: Int32) {
        self.pid = pid
        let shared = self.shared
        let thread = Thread {
            var info = siginfo_t()
            // Wait without reaping: the zombie leader keeps the pgid ours while we kill the group.
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
            let status = shared.reaped.withLock { reaped -> ExitStatus in
                _ = kill(-pid, SIGKILL)
                // SIGKILL is delivered asynchronously: wait (bounded) until no member of the group
                // still runs, so "exited" means the whole tree is gone, not just the leader.
                ChromiumProcess.awaitGroupGone(pid, timeout: .seconds(5))
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                reaped = true
                return ExitStatus(waitStatus: status)
            }
            shared.exit.resolve(status)
        }
        thread.name = "tidepool-reaper-\(pid)"
        thread.start()
    }

    /// Polls /proc until the group has no live (non-zombie) member or `timeout` passes. Runs on
    /// the reaper thread while the zombie leader still reserves the group id.
    static func awaitGroupGone(_ group: Int32, timeout: Duration) {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !ProcessTable.liveMembers(ofGroup: group).isEmpty, clock.now < deadline {
            _ = kill(-group, SIGKILL)
            usleep(2_000)
        }
    }

    /// The process group id (equal to `pid`).
    public var processGroup: Int32 { pid }

    /// How the process ended, or nil while it runs.
    public var exitStatus: ExitStatus? { shared.exit.current }

    /// Sends `signal` to the whole process group (no-op once the leader is reaped, so a reused pid
    /// can never be hit).
    public func signalGroup(_ signal: Int32) {
        shared.reaped.withLock { reaped in
            if !reaped { _ = kill(-pid, signal) }
        }
    }

    /// Waits until the process has exited and been reaped (nil if the calling task is cancelled).
    public func waitForExit() async -> ExitStatus? {
        await shared.exit.wait()
    }

    /// Waits at most `timeout` for the exit; nil if it is still running.
    public func waitForExit(timeout: Duration) async -> ExitStatus? {
        await shared.exit.wait(timeout: timeout)
    }

    deinit {
        // Nothing may outlive its owner: if the process still runs, kill its group; the reaper
        // thread (which holds its own references) reaps it.
        signalGroup(SIGKILL)
    }
}
