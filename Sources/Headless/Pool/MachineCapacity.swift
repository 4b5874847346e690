import Foundation

/// What the machine gives the browser pool: CPU cores and memory, with a container's cgroup (v2)
/// limits taken into account.
public struct MachineCapacity: Sendable, Hashable, CustomStringConvertible {
    /// CPUs the process may use (whole, at least 1).
    public var cores: Int
    /// Memory the process may use, in MiB.
    public var memoryMB: Int

    public init(cores: Int, memoryMB: Int) {
        self.cores = max(1, cores)
        self.memoryMB = max(1, memoryMB)
    }

    /// This machine: the CPUs the process may run on and the physical memory, each lowered to the
    /// cgroup's limits when they are lower: cgroup v2's `cpu.max` and `memory.max`, or v1's
    /// `cpu.cfs_quota_us`/`cpu.cfs_period_us` and `memory.limit_in_bytes` of the process's own group
    /// (`/proc/self/cgroup`; a container that shows its group as the root is read there).
    public static func current(cgroupRoot: String = "/sys/fs/cgroup", selfCgroup: String = "/proc/self/cgroup")
        -> MachineCapacity
    {
        var cores = ProcessInfo.processInfo.activeProcessorCount
        var memoryMB = Int(ProcessInfo.processInfo.physicalMemory >> 20)
        let groups = groupPaths(read(selfCgroup))
        func first(_ controller: String, _ file: String) -> String? {
            let base = controller.isEmpty ? cgroupRoot : cgroupRoot + "/" + controller
            let own = groups[controller].map { base + $0 + "/" + file }
            return [own, base + "/" + file].compactMap { $0 }.lazy.compactMap(read).first
        }
        let quota = cpuQuota(first("", "cpu.max"))
            ?? cpuQuota(v1Quota: first("cpu", "cpu.cfs_quota_us"), period: first("cpu", "cpu.cfs_period_us"))
        if let quota { cores = min(cores, quota) }
        let limit = memoryLimitMB(first("", "memory.max")) ?? memoryLimitMB(first("memory", "memory.limit_in_bytes"))
        if let limit { memoryMB = min(memoryMB, limit) }
        return MachineCapacity(cores: cores, memoryMB: memoryMB)
    }

    /// The process's group per controller from `/proc/self/cgroup` ("4:memory:/path"; cgroup v2's
    /// "0::/path" under the empty name).
    static func groupPaths(_ text: String?) -> [String: String] {
        var paths: [String: String] = [:]
        for line in (text ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = fields[2] == "/" ? "" : String(fields[2])
            for controller in fields[1].split(separator: ",", omittingEmptySubsequences: false) {
                paths[String(controller)] = path
            }
        }
        return paths
    }

    /// Whole CPUs of cgroup v1's quota and period (a quota of -1: none).
    static func cpuQuota(v1Quota: String?, period: String?) -> Int? {
        guard let quota = v1Quota, let period else { return nil }
        return cpuQuota("\(quota) \(period)")
    }

    /// Whole CPUs of a cgroup v2 `cpu.max` ("<quota> <period>", or "max …" for none), at least 1.
    static func cpuQuota(_ text: String?) -> Int? {
        guard let fields = text?.split(separator: " "), fields.count == 2, let quota = Double(fields[0]), quota > 0,
            let period = Double(fields[1]), period > 0
        else { return nil }
        return max(1, Int((quota / period).rounded(.up)))
    }

    /// MiB of a cgroup v2 `memory.max` (bytes, or "max" for none) or v1 `memory.limit_in_bytes`
    /// (bytes; "no limit" is a number near 2^63).
    static func memoryLimitMB(_ text: String?) -> Int? {
        guard let text, let bytes = Int(text), bytes > 0, bytes < 1 << 62 else { return nil }
        return bytes >> 20
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var description: String {
        memoryMB >= 1024
            ? "\(cores) cores, \(String(format: "%.1f", Double(memoryMB) / 1024)) GiB"
            : "\(cores) cores, \(memoryMB) MiB"
    }
}

extension BrowserPoolConfig {
    /// Memory a browser is planned with before any context: ~130 MB PSS idle plus ~57 MB its first
    /// context adds once (BENCHMARKS.md, *Browser pool*), rounded up.
    static let plannedBrowserMB = 200
    /// Memory a busy context is planned with: ~11 MB measured for an empty one, the rest for the page
    /// it renders (a real page's DOM, images and scripts).
    static let plannedContextMB = 64
    /// Share of the machine's memory the pool plans to use; the rest is the server's and the system's.
    static let plannedMemoryShare = 0.75

    /// The pool's sizes for `machine`, every other value the default:
    /// - one browser per two cores at start and kept running (at least one, and no more than leave
    ///   each room for 4 contexts): a render's cost is its
    ///   renderer process, not the browser, and each browser more costs memory and scheduling (on 2
    ///   cores one browser beat three: BENCHMARKS.md, *Pool sized to the machine*);
    /// - contexts per browser from the memory each browser may plan with (`plannedBrowserMB` plus
    ///   `plannedContextMB` a context), between 1 and 8 (8: two cores are saturated by ~8 renders);
    /// - up to one browser per core under sustained queueing, fewer when memory would not hold them.
    public static func sized(for machine: MachineCapacity) -> BrowserPoolConfig {
        var config = BrowserPoolConfig()
        let budget = Int(Double(machine.memoryMB) * plannedMemoryShare)
        // A browser is worth its 200 MB only with room for a few contexts: fewer browsers with more
        // contexts each when memory is short.
        let browsers = max(1, min(machine.cores / 2, budget / (plannedBrowserMB + 4 * plannedContextMB)))
        let perBrowser = budget / browsers
        config.contextsPerBrowser = min(8, max(1, (perBrowser - plannedBrowserMB) / plannedContextMB))
        let fitting = max(1, budget / (plannedBrowserMB + config.contextsPerBrowser * plannedContextMB))
        config.minPoolSize = min(browsers, fitting)
        config.initialPoolSize = config.minPoolSize
        config.maxPoolSize = max(config.minPoolSize, min(machine.cores, fitting))
        config.prewarmContexts = min(config.prewarmContexts, config.contextsPerBrowser)
        return config
    }

    /// One line for the start-up log: the sizes and what they came from.
    public func sizingSummary(for machine: MachineCapacity) -> String {
        "browser pool for \(machine): \(initialPoolSize) browser(s) at start, \(minPoolSize)…\(maxPoolSize), "
            + "\(contextsPerBrowser) contexts each"
    }
}
