import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time of this process and of every descendant that has been reaped. The benchmark makes itself a
/// child subreaper, so Chromium's zygotes and renderers (orphaned when their browser exits) come back
/// to it and their CPU time is counted once they are reaped (`reapOrphans()`).
public enum CPUAccounting {
    /// CPU seconds (user + system) of this process and of its reaped descendants.
    public struct Sample: Sendable {
        public var own: Double
        public var children: Double

        public static func - (a: Sample, b: Sample) -> Sample {
            Sample(own: a.own - b.own, children: a.children - b.children)
        }
    }

    /// `prctl(PR_SET_CHILD_SUBREAPER, 1)`; prctl is variadic in C, so it is called through a pointer.
    public static func becomeSubreaper() {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return }
        _ = unsafeBitCast(symbol, to: Prctl.self)(36 /* PR_SET_CHILD_SUBREAPER */, 1, 0, 0, 0)
    }

    /// Reaps the orphans handed to this process until none is left (at most `limit`). Call only when no
    /// code of ours waits for a child (the pool has stopped, subprocesses have been waited for).
    public static func reapOrphans(limit: Duration = .seconds(3)) {
        let end = ContinuousClock.now + limit
        var status: Int32 = 0
        while ContinuousClock.now < end {
            let pid = waitpid(-1, &status, WNOHANG)
            if pid < 0 { return }  // ECHILD: nothing left
            if pid == 0 { usleep(10_000) }
        }
    }

    public static func now() -> Sample {
        func seconds(_ who: __rusage_who) -> Double {
            var usage = rusage()
            getrusage(__rusage_who_t(who.rawValue), &usage)
            return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        }
        return Sample(own: seconds(RUSAGE_SELF), children: seconds(RUSAGE_CHILDREN))
    }

    /// CPU seconds of this process, its reaped descendants, and every live descendant (each with the
    /// children it reaped itself: a renderer gone after its render counts under its zygote). A running
    /// total, so the difference over a window is what the process tree spent in it.
    public static func liveTotal() -> Double {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        let sample = now()
        let live = ProcTree.descendants(of: getpid()).reduce(0) { $0 + ProcTree.cpuTicks($1, reaped: true) }
        return sample.own + sample.children + Double(live) / ticksPerSecond
    }
}
