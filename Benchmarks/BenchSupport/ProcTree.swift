import Foundation

/// Figures of a process and its descendants from /proc.
public enum ProcTree {
    /// Every descendant of `pid` (children, their children …).
    public static func descendants(of pid: Int32) -> [Int32] {
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

    public static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
        else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    public static func command(_ pid: Int32) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "")
            .split(separator: "\0").prefix(2).joined(separator: " ")
    }

    /// A kB figure of /proc/<pid>/<file> (`Rss:` of status is `VmRSS:`; `Pss:` of smaps_rollup).
    public static func kilobytes(_ pid: Int32, file: String, field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/\(file)", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    /// User + system CPU time in clock ticks; with `reaped`, also that of its children that have
    /// exited and been waited for (a renderer gone after its render still counts).
    public static func cpuTicks(_ pid: Int32, reaped: Bool = false) -> Int {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")")
        else { return 0 }
        // After the name: state, ppid, … utime is field 14 of stat(5), stime 15, cutime 16, cstime 17.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 14 else { return 0 }
        let own = (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
        return reaped ? own + (Int(fields[13]) ?? 0) + (Int(fields[14]) ?? 0) : own
    }

    public static func openDescriptors(_ pid: Int32) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []).count
    }

    /// CPU seconds of `pid`'s descendants by Chromium process type (`--type=` of the command line;
    /// the program's name without one: the browser process), each with its reaped children's, so renderers that exited count under
    /// the zygote that waited for them ("zygote" is folded into "renderer").
    public static func cpuSecondsByKind(under pid: Int32) -> [String: Double] {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        var kinds: [String: Double] = [:]
        for child in descendants(of: pid) {
            // Chromium's children rewrite their command line as one string with spaces: split on both.
            let arguments = ((try? String(contentsOfFile: "/proc/\(child)/cmdline", encoding: .utf8)) ?? "")
                .split(whereSeparator: { $0 == "\0" || $0 == " " })
            let type = arguments.first { $0.hasPrefix("--type=") }.map { String($0.dropFirst("--type=".count)) }
            let kind: String
            switch type {
            case nil: kind = arguments.first.map { String($0.split(separator: "/").last ?? $0) } ?? "other"
            case "zygote", "renderer": kind = "renderer"
            case "utility": kind = arguments.contains { $0.contains("NetworkService") } ? "network" : "utility"
            case let other?: kind = other
            }
            kinds[kind, default: 0] += Double(cpuTicks(child, reaped: true)) / ticksPerSecond
        }
        return kinds
    }
}
