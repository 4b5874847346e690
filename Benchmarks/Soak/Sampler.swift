import Foundation
import Synchronization

/// One moment of the soak.
struct Sample: Sendable {
    var seconds: Double
    var serverRSSKB: Int
    var serverPSSKB: Int
    var browsersPSSKB: Int
    var serverCPUTicks: Int
    var browsersCPUTicks: Int
    var renderers: Int
    var browsers: Int
    var descriptors: Int
    var temporaryProfiles: Int
}

/// Reads the server's and its browsers' figures from /proc.
final class Sampler: Sendable {
    let serverPid: Int32
    /// The server's temporary directory, where its browsers' throwaway profiles go.
    let temporaryDirectory: String
    let cpuGroup: CPUGroup?
    private let started = ContinuousClock.now
    private let recorded = Mutex<[Sample]>([])

    init(serverPid: Int32, temporaryDirectory: String, cpuGroup: CPUGroup?) {
        self.serverPid = serverPid
        self.temporaryDirectory = temporaryDirectory
        self.cpuGroup = cpuGroup
    }

    var samples: [Sample] { recorded.withLock { $0 } }

    func sample() {
        let tree = ProcTree.descendants(of: serverPid)
        let commands = tree.map { ($0, ProcTree.command($0)) }
        let elapsed = ContinuousClock.now - started
        let sample = Sample(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            serverRSSKB: ProcTree.kilobytes(serverPid, file: "status", field: "VmRSS:"),
            serverPSSKB: ProcTree.kilobytes(serverPid, file: "smaps_rollup", field: "Pss:"),
            browsersPSSKB: tree.reduce(0) { $0 + ProcTree.kilobytes($1, file: "smaps_rollup", field: "Pss:") },
            serverCPUTicks: ProcTree.cpuTicks(serverPid),
            browsersCPUTicks: browsersCPUTicks(tree),
            renderers: commands.filter { $0.1.contains("--type=renderer") }.count,
            browsers: commands.filter { $0.1.contains("--remote-debugging-pipe") }.count,
            descriptors: ProcTree.openDescriptors(serverPid),
            temporaryProfiles: ((try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? [])
                .filter { $0.hasPrefix("tidepool-chromium-") }.count
        )
        recorded.withLock { $0.append(sample) }
    }

    /// The browsers' CPU so far: the server's cgroup less the server's own when there is one, else
    /// the live tree plus the children its processes reaped (an undercount once browsers recycle).
    private func browsersCPUTicks(_ tree: [Int32]) -> Int {
        if let cpuGroup {
            let hz = Int(sysconf(Int32(_SC_CLK_TCK)))
            return cpuGroup.usageMicroseconds * hz / 1_000_000 - ProcTree.cpuTicks(serverPid)
        }
        return ProcTree.cpuTicks(serverPid, reaped: true) - ProcTree.cpuTicks(serverPid)
            + tree.reduce(0) { $0 + ProcTree.cpuTicks($1, reaped: true) }
    }
}
