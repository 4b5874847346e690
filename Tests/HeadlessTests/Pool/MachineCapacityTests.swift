import Foundation
@testable import Headless
import Testing
import TestSupport

/// The pool's default sizes come from the machine: its cores and memory, a container's cgroup
/// limits included.
@Suite struct MachineCapacityTests {
    @Test func twoCoresGetOneBrowserThatMayGrowToTwo() {
        let config = BrowserPoolConfig.sized(for: MachineCapacity(cores: 2, memoryMB: 24 * 1024))
        #expect(config.initialPoolSize == 1)
        #expect(config.minPoolSize == 1)
        #expect(config.maxPoolSize == 2)
        #expect(config.contextsPerBrowser == 8)
    }

    @Test func oneBrowserPerTwoCoresUpToOnePerCore() {
        let config = BrowserPoolConfig.sized(for: MachineCapacity(cores: 16, memoryMB: 64 * 1024))
        #expect(config.initialPoolSize == 8)
        #expect(config.minPoolSize == 8)
        #expect(config.maxPoolSize == 16)
        #expect(config.contextsPerBrowser == 8)
        let single = BrowserPoolConfig.sized(for: MachineCapacity(cores: 1, memoryMB: 8 * 1024))
        #expect((single.minPoolSize, single.maxPoolSize) == (1, 1))
    }

    @Test func littleMemoryMeansFewerContextsAndBrowsers() {
        // 75 % of 1 GiB is 768 MB: one browser (200 MB) with 8 contexts of 64 MB fits, a second
        // browser would leave each too few: 4 cores, yet one browser.
        let small = BrowserPoolConfig.sized(for: MachineCapacity(cores: 4, memoryMB: 1024))
        #expect(small.contextsPerBrowser == 8)
        #expect(small.minPoolSize == 1)
        #expect(small.maxPoolSize == 1)
        // 512 MB: 384 planned, one browser with 2 contexts.
        let tiny = BrowserPoolConfig.sized(for: MachineCapacity(cores: 2, memoryMB: 512))
        #expect(tiny.contextsPerBrowser == 2)
        #expect((tiny.minPoolSize, tiny.maxPoolSize) == (1, 1))
        #expect(tiny.prewarmContexts <= tiny.contextsPerBrowser)
        // Less than a browser's planned memory still gets one browser with one context.
        let starved = BrowserPoolConfig.sized(for: MachineCapacity(cores: 8, memoryMB: 128))
        #expect((starved.minPoolSize, starved.maxPoolSize, starved.contextsPerBrowser) == (1, 1, 1))
    }

    @Test func everyOtherValueKeepsItsDefault() {
        let sized = BrowserPoolConfig.sized(for: MachineCapacity(cores: 2, memoryMB: 4096))
        let plain = BrowserPoolConfig()
        #expect(sized.idleTimeout == plain.idleTimeout)
        #expect(sized.maxLifetime == plain.maxLifetime)
        #expect(sized.memoryThresholdMB == plain.memoryThresholdMB)
        #expect(sized.maxQueue == plain.maxQueue)
        #expect(sized.prewarmContexts == plain.prewarmContexts)
    }

    static func write(_ text: String, _ path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func cgroupV1LimitsOfTheProcesssOwnGroupCount() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cgroups = directory.path + "/proc-self-cgroup"
        try Self.write("4:memory:/pods/a\n2:cpu,cpuacct:/pods/a\n0::/\n", cgroups)
        try Self.write("100000\n", directory.path + "/cpu/pods/a/cpu.cfs_quota_us")
        try Self.write("100000\n", directory.path + "/cpu/pods/a/cpu.cfs_period_us")
        try Self.write("\(768 << 20)\n", directory.path + "/memory/pods/a/memory.limit_in_bytes")
        // The root's own files say "no limit": the process's group is what counts.
        try Self.write("-1\n", directory.path + "/cpu/cpu.cfs_quota_us")
        try Self.write("9223372036854771712\n", directory.path + "/memory/memory.limit_in_bytes")
        let limited = MachineCapacity.current(cgroupRoot: directory.path, selfCgroup: cgroups)
        #expect(limited.cores == 1)
        #expect(limited.memoryMB == 768)
        // A container that shows its group as "/" is read at the controller's root.
        try Self.write("4:memory:/\n2:cpu,cpuacct:/\n", cgroups)
        try Self.write("\(256 << 20)\n", directory.path + "/memory/memory.limit_in_bytes")
        #expect(MachineCapacity.current(cgroupRoot: directory.path, selfCgroup: cgroups).memoryMB == 256)
    }

    @Test func cgroupLimitsLowerWhatTheMachineHas() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "150000 100000\n".write(toFile: directory.path + "/cpu.max", atomically: true, encoding: .utf8)
        try "\(512 << 20)\n".write(toFile: directory.path + "/memory.max", atomically: true, encoding: .utf8)
        let limited = MachineCapacity.current(cgroupRoot: directory.path, selfCgroup: directory.path + "/none")
        #expect(limited.cores == min(2, ProcessInfo.processInfo.activeProcessorCount), "1.5 CPUs of quota round up to 2")
        #expect(limited.memoryMB == 512)
    }

    @Test func noCgroupLimitLeavesTheMachine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "max 100000\n".write(toFile: directory.path + "/cpu.max", atomically: true, encoding: .utf8)
        try "max\n".write(toFile: directory.path + "/memory.max", atomically: true, encoding: .utf8)
        let machine = MachineCapacity.current(cgroupRoot: directory.path, selfCgroup: directory.path + "/none")
        #expect(machine.cores == ProcessInfo.processInfo.activeProcessorCount)
        #expect(machine.memoryMB == Int(ProcessInfo.processInfo.physicalMemory >> 20))
        #expect(MachineCapacity.current(cgroupRoot: directory.path + "/missing", selfCgroup: directory.path + "/none") == machine)
    }

    @Test func cgroupFilesAreParsedStrictly() {
        #expect(MachineCapacity.cpuQuota("200000 100000") == 2)
        #expect(MachineCapacity.cpuQuota("50000 100000") == 1)
        #expect(MachineCapacity.cpuQuota("max 100000") == nil)
        #expect(MachineCapacity.cpuQuota("garbage") == nil)
        #expect(MachineCapacity.cpuQuota("100 0") == nil)
        #expect(MachineCapacity.memoryLimitMB("1073741824") == 1024)
        #expect(MachineCapacity.memoryLimitMB("max") == nil)
        #expect(MachineCapacity.memoryLimitMB(nil) == nil)
        #expect(MachineCapacity.memoryLimitMB("9223372036854771712") == nil, "cgroup v1's 'no limit'")
        #expect(MachineCapacity.cpuQuota(v1Quota: "-1", period: "100000") == nil)
        #expect(MachineCapacity.cpuQuota(v1Quota: "250000", period: "100000") == 3)
        #expect(MachineCapacity.groupPaths("4:memory:/a/b\n2:cpu,cpuacct:/\n0::/c") == ["memory": "/a/b", "cpu": "", "cpuacct": "", "": "/c"])
    }
}
