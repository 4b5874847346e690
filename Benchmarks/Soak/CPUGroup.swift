import Foundation

/// A cgroup of its own for the server under test, so its CPU is counted whole: a browser the pool
/// recycles takes its zygote and renderers with it, and those are reaped outside the server's
/// process tree, where /proc's per-process figures lose them. cgroup v1's `cpuacct` or v2's
/// `cpu.stat`; nil when neither can be made (not root, no such controller).
final class CPUGroup: Sendable {
    private let directory: String
    private let usageFile: String
    private let isV2: Bool

    init?(for pid: Int32, name: String) {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers") {
            directory = "/sys/fs/cgroup/\(name)"
            usageFile = directory + "/cpu.stat"
            isV2 = true
        } else if fileManager.fileExists(atPath: "/sys/fs/cgroup/cpuacct/cpuacct.usage") {
            directory = "/sys/fs/cgroup/cpuacct/\(name)"
            usageFile = directory + "/cpuacct.usage"
            isV2 = false
        } else {
            return nil
        }
        do {
            try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: false)
            try "\(pid)\n".write(toFile: directory + "/cgroup.procs", atomically: false, encoding: .utf8)
        } catch {
            try? fileManager.removeItem(atPath: directory)
            return nil
        }
    }

    /// CPU time of every process that ran in the group, living or gone, in microseconds.
    var usageMicroseconds: Int {
        let text = (try? String(contentsOfFile: usageFile, encoding: .utf8)) ?? ""
        if isV2 {
            let line = text.split(separator: "\n").first { $0.hasPrefix("usage_usec ") }
            return line.flatMap { Int($0.split(separator: " ")[1]) } ?? 0
        }
        return (Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) / 1000
    }

    /// Removes the group once every process in it has exited; false when some are left.
    func remove() -> Bool {
        rmdir(directory) == 0
    }
}
