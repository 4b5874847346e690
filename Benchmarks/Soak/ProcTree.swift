import Foundation

/// Figures of a process and its descendants from /proc.
enum ProcTree {
    /// Every descendant of `pid` (children, their children …).
    static func descendants(of pid: Int32) -> [Int32] {
        var parents: [Int32: [Int32]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { parents[parent, default: []].append(child) }
        }
        var all: [Int32] = []
        var queue = parents[pid] ?? []
        while let next = queue.popLast() {
            all.append(next)
            queue += parents[next] ?? []
        }
        return all
    }

    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    static func command(_ pid: Int32) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "")
            .split(separator: "\0").prefix(2).joined(separator: " ")
    }

    /// A kB figure of /proc/<pid>/<file> (`Rss:` of status is `VmRSS:`; `Pss:` of smaps_rollup).
    static func kilobytes(_ pid: Int32, file: String, field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    /// User + system CPU time in clock ticks; with `reaped`, also that of its children that have
    /// exited and been waited for (a renderer gone after its render still counts).
    static func cpuTicks(_ pid: Int32, reaped: Bool = false) -> Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
        else { return 0 }
        // After the name: state, ppid, … utime is field 14 of stat(5), stime 15, cutime 16, cstime 17.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14 else { return 0 }
        let own = (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
        return reaped ? own + (Int(fields[13]) ?? 0) + (Int(fields[14]) ?? 0) : own
    }

    static func openDescriptors(_ pid: Int32) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).count
    }
}
