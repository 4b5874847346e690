import AsyncHTTPClient
import Foundation
import BenchSupport
import NIOCore
import NIOHTTP1
import Synchronization

/// One moment of the soak.
struct Sample: Sendable {
    var seconds: Double
    var serverRSSKB: Int
    var serverPSSKB: Int
    /// The server's anonymous resident memory (`RssAnon`: its heap and stacks). Unlike its PSS, it does
    /// not move when other processes map or unmap the libraries it shares (the Swift runtime, Foundation).
    var serverAnonKB: Int
    /// What the server's live allocations hold (its /metrics `tidepool_process_heap_in_use_bytes`):
    /// unlike `serverAnonKB`, not moved by memory the allocator keeps free in its arenas.
    var serverHeapKB: Int
    var browsersPSSKB: Int
    /// The browsers' processes other than renderers (browser, GPU, utilities): they live as long as
    /// their browser, so this is where a leak in the browser would show.
    var browserProcessesPSSKB: Int
    /// Every renderer's PSS, the median renderer's and the largest one's: renderers come and go with
    /// contexts, and pages that allocate until their renderer dies make some of them gigabytes large
    /// for 20–30 s (several at once when callers fall into step). The median leaves out renderers over
    /// `outOfMemoryKB`, counted in `outOfMemoryRenderers`.
    var renderersPSSKB: Int
    var medianRendererPSSKB: Int
    var largestRendererPSSKB: Int
    var outOfMemoryRenderers: Int
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

    /// A renderer over this (1 GiB) is taken for one of the workload's out-of-memory pages in flight.
    /// One still growing below it stays in the median, which tolerates that while fewer than half
    /// the renderers are such pages.
    static let outOfMemoryKB = 1 << 20

    /// `heapBytes`: the server's heap in use as its /metrics said just before (nil: not read).
    func sample(heapBytes: Int?) {
        let tree = ProcTree.descendants(of: serverPid)
        let commands = tree.map { ($0, ProcTree.command($0)) }
        let pss = Dictionary(uniqueKeysWithValues: tree.map { ($0, ProcTree.kilobytes($0, file: "smaps_rollup", field: "Pss:")) })
        let rendererPSS = commands.filter { $0.1.contains("--type=renderer") }.map { pss[$0.0] ?? 0 }
        let ordinary = rendererPSS.filter { $0 <= Self.outOfMemoryKB }.sorted()
        let elapsed = ContinuousClock.now - started
        let sample = Sample(
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            serverRSSKB: ProcTree.kilobytes(serverPid, file: "status", field: "VmRSS:"),
            serverPSSKB: ProcTree.kilobytes(serverPid, file: "smaps_rollup", field: "Pss:"),
            serverAnonKB: ProcTree.kilobytes(serverPid, file: "status", field: "RssAnon:"),
            serverHeapKB: (heapBytes ?? 0) / 1024,
            browsersPSSKB: pss.values.reduce(0, +),
            browserProcessesPSSKB: pss.values.reduce(0, +) - rendererPSS.reduce(0, +),
            renderersPSSKB: rendererPSS.reduce(0, +),
            medianRendererPSSKB: ordinary.isEmpty ? 0 : ordinary[ordinary.count / 2],
            largestRendererPSSKB: rendererPSS.max() ?? 0,
            outOfMemoryRenderers: rendererPSS.count - ordinary.count,
            serverCPUTicks: ProcTree.cpuTicks(serverPid),
            browsersCPUTicks: browsersCPUTicks(tree),
            renderers: rendererPSS.count,
            // The browser process itself: its children repeat some of its switches, never without a --type.
            browsers: commands.filter { $0.1.contains("--remote-debugging-pipe") && !$0.1.contains("--type=") }.count,
            descriptors: ProcTree.openDescriptors(serverPid),
            temporaryProfiles: ((try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? [])
                .filter { $0.hasPrefix("tidepool-chromium-") }.count
        )
        recorded.withLock { $0.append(sample) }
    }

    /// The server's heap in use, from its /metrics at `serverURL` (within 5 s); nil when it did not answer.
    static func heapInUse(at serverURL: String) async -> Int? {
        do {
            let request = HTTPClientRequest(url: serverURL + "/metrics")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            guard response.status == .ok else { return nil }
            let body = String(buffer: try await response.body.collect(upTo: 4 << 20))
            let line = body.split(separator: "\n").first { $0.hasPrefix("tidepool_process_heap_in_use_bytes ") }
            return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }.map { Int($0) }
        } catch {
            return nil
        }
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
