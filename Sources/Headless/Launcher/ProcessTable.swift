#if canImport(Glibc)
import Glibc
#endif

/// Processes and their memory, read from /proc (Linux). Chromium's PSS summed over its process tree
/// is the honest footprint; RSS sums count shared pages once per process and overstate it.
public enum ProcessTable {
    /// One process as /proc/PID/stat describes it.
    public struct Entry: Sendable, Equatable {
        public let pid: Int32
        public let parent: Int32
        public let group: Int32
        /// `R`, `S`, `D`, `Z` (zombie: exited, not yet reaped, holds no memory), …
        public let state: Character
        public let command: String

        public var isZombie: Bool { state == "Z" || state == "X" }
    }

    /// Memory of a set of processes, in bytes.
    public struct Memory: Sendable, Equatable {
        public var rssBytes: Int
        public var pssBytes: Int
        /// Pages no other process maps (`Private_Clean` + `Private_Dirty`): what a leak grows. PSS
        /// also moves with how many other processes share the same pages (Chromium's binary and
        /// fonts, say, while other browsers come and go).
        public var privateBytes: Int
        public var processes: Int

        public init(rssBytes: Int = 0, pssBytes: Int = 0, privateBytes: Int = 0, processes: Int = 0) {
            self.rssBytes = rssBytes
            self.pssBytes = pssBytes
            self.privateBytes = privateBytes
            self.processes = processes
        }
    }

    /// Every process visible in /proc.
    public static func snapshot() -> [Entry] {
        guard let directory = opendir("/proc") else { return [] }
        defer { closedir(directory) }
        var entries: [Entry] = []
        while let item = readdir(directory) {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int32(name), let entry = entry(pid: pid) else { continue }
            entries.append(entry)
        }
        return entries
    }

    /// The live (non-zombie) members of a process group.
    public static func liveMembers(ofGroup group: Int32) -> [Entry] {
        snapshot().filter { $0.group == group && !$0.isZombie }
    }

    /// RSS and PSS summed over the live members of a process group.
    public static func memory(ofGroup group: Int32) -> Memory {
        memory(of: liveMembers(ofGroup: group).map(\.pid))
    }

    /// RSS and PSS summed over the live members of each of `groups`, from one /proc snapshot.
    public static func memory(ofGroups groups: [Int32]) -> [Int32: Memory] {
        let wanted = Set(groups)
        var members: [Int32: [Int32]] = [:]
        for entry in snapshot() where wanted.contains(entry.group) && !entry.isZombie {
            members[entry.group, default: []].append(entry.pid)
        }
        return Dictionary(uniqueKeysWithValues: wanted.map { ($0, memory(of: members[$0] ?? [])) })
    }

    /// RSS and PSS summed over the given processes (those that vanished meanwhile count as 0).
    public static func memory(of pids: [Int32]) -> Memory {
        var total = Memory()
        for pid in pids {
            guard let rollup = readFile("/proc/\(pid)/smaps_rollup") else { continue }
            total.processes += 1
            for line in rollup.split(separator: "\n") {
                if line.hasPrefix("Rss:") {
                    total.rssBytes += kilobytes(line) * 1024
                } else if line.hasPrefix("Pss:") {
                    total.pssBytes += kilobytes(line) * 1024
                } else if line.hasPrefix("Private_Clean:") || line.hasPrefix("Private_Dirty:") {
                    total.privateBytes += kilobytes(line) * 1024
                }
            }
        }
        return total
    }

    /// Parses `/proc/PID/stat` ("pid (comm) S ppid pgrp …"; comm may hold spaces and parentheses).
    static func entry(pid: Int32) -> Entry? {
        guard let stat = readFile("/proc/\(pid)/stat") else { return nil }
        return parseStat(stat)
    }

    static func parseStat(_ stat: String) -> Entry? {
        guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
            let pid = Int32(stat[..<open].trimmingCharacters(in: " "))
        else { return nil }
        let command = String(stat[stat.index(after: open)..<close])
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count >= 3, let state = fields[0].first, let parent = Int32(fields[1]), let group = Int32(fields[2])
        else { return nil }
        return Entry(pid: pid, parent: parent, group: group, state: state, command: command)
    }

    private static func kilobytes(_ line: Substring) -> Int {
        line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    }

    /// Reads a whole procfs file (their size is reported as 0, so read to EOF).
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { _ = close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
