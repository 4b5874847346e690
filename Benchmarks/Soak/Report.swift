import Foundation
import RenderTypes

/// The soak's findings: success per kind, memory over time against its minute-5 value, what was left.
struct Report {
    let tally: Tally
    let samples: [Sample]
    /// How many of the last samples were taken once the load had stopped.
    let idleSamples: Int
    let poolStats: BrowserPoolStats?
    let leftovers: [String]
    let options: Options

    /// Memory may end at most this much above its value at minute 5 (after warm-up).
    static let growthLimit = 1.2

    /// Samples taken under load (the last `idleSamples` ones are taken idle).
    var loaded: ArraySlice<Sample> { samples.count > idleSamples ? samples.dropLast(idleSamples) : samples[...] }
    /// A minute of samples from minute 5 (or from halfway through a shorter run).
    var warmWindow: [Sample] {
        let start = min(300, (loaded.last?.seconds ?? 0) / 2)
        return loaded.filter { $0.seconds >= start && $0.seconds < start + 60 }
    }
    /// The last minute under load.
    var endWindow: [Sample] {
        let last = loaded.last?.seconds ?? 0
        return loaded.filter { $0.seconds > last - 60 }
    }
    var warm: Sample? { warmWindow.first }
    var end: Sample? { loaded.last }
    /// The first sample once the load stopped, and the last one, taken minutes later: memory the
    /// server holds only while winding down shows in the first and is gone in the last.
    var firstIdle: Sample? { idleSamples > 0 && samples.count > idleSamples ? samples[samples.count - idleSamples] : nil }
    var idle: Sample? { idleSamples > 0 ? samples.last : nil }

    var unexpectedErrors: Int { tally.all.values.reduce(0) { $0 + $1.unexpected } }

    /// The median of `figure` over the last minute against its median over the warm minute (shown,
    /// not judged: which pages happen to be in flight in those two minutes moves it by half).
    func growth(_ figure: (Sample) -> Int) -> Double {
        func median(_ window: [Sample]) -> Double? {
            let sorted = window.map(figure).sorted()
            return sorted.isEmpty ? nil : Double(sorted[sorted.count / 2])
        }
        guard let warm = median(warmWindow), let end = median(endWindow), warm > 0 else { return 0 }
        return end / warm
    }

    /// `figure`'s trend from minute 5 to the end of the load: the least-squares line through every
    /// sample of that span, its value at the end against its value at minute 5. Every sample counts,
    /// so a few taken while a 10 MB document or an out-of-memory page was in flight move it little,
    /// while memory that grows with the calls served shows as a steady slope.
    func trend(_ figure: (Sample) -> Int) -> Double {
        let span = loaded.filter { $0.seconds >= (warmWindow.first?.seconds ?? 0) }
        guard span.count >= 3, let first = span.first?.seconds, let last = span.last?.seconds, last > first else { return .infinity }
        let xs = span.map(\.seconds)
        let ys = span.map { Double(figure($0)) }
        let meanX = xs.reduce(0, +) / Double(xs.count)
        let meanY = ys.reduce(0, +) / Double(ys.count)
        let spread = xs.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        let slope = zip(xs, ys).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / spread
        let atStart = meanY + slope * (first - meanX)
        let atEnd = meanY + slope * (last - meanX)
        // A line that starts at or below zero rises steeply: as much growth as can be.
        return atStart > 0 ? atEnd / atStart : .infinity
    }

    /// The memory figures that must not grow, by name, with their trend (end / minute 5): the server's
    /// anonymous memory (its PSS is shown, not judged: it moves with how many other processes share its
    /// libraries — a test run or a build beside the soak lowers it while it runs and raises it when it
    /// ends, with the server's own memory flat), the
    /// browsers' long-lived processes, and the median renderer. The whole tree's total is shown, not
    /// judged: it moves with how many renderers exist, and the workload's out-of-memory pages (each
    /// lasting 20–30 s, often two at once) and 10 MB documents make a few renderers gigabytes large.
    /// The median renderer ignores those few, while a leak in recycled pages (all of them growing)
    /// still shows.
    var judgedGrowth: [(String, Double)] {
        [
            ("server", trend(\.serverAnonKB)), ("browser processes", trend(\.browserProcessesPSSKB)),
            ("median renderer", trend(\.medianRendererPSSKB)),
        ]
    }

    var idleRenderersMatchThePool: Bool {
        guard let idle, let poolStats else { return false }
        // Each idle (prewarmed), kept or parked (recycled) context holds one renderer.
        return idle.renderers <= poolStats.contextsIdle + poolStats.contextsHeld + poolStats.contextsWarming
    }

    /// Descriptors wander with the contexts parked for reuse (each has its egress listener), with
    /// browsers recycled (each has its pipe) and with the calls in flight (slow ones pile up when the
    /// machine is busy), by tens; a descriptor leaked per call would add hundreds or thousands. So
    /// once the load has stopped for two minutes the server holds at most `descriptorSlack` more than
    /// the warm minute's most, and no more than the most under load.
    static let descriptorSlack = 16

    var descriptorsSettled: Bool {
        guard let idle, let warmMost = warmWindow.map(\.descriptors).max(), let loadedMost = loaded.map(\.descriptors).max()
        else { return false }
        return idle.descriptors <= warmMost + Self.descriptorSlack && idle.descriptors <= loadedMost
    }

    var passed: Bool {
        unexpectedErrors == 0 && descriptorsSettled && judgedGrowth.allSatisfy { $0.1 <= Self.growthLimit }
            && leftovers.isEmpty && idleRenderersMatchThePool && (idle?.temporaryProfiles ?? 0) == (poolStats?.browsers.count ?? 0)
    }

    var summary: String {
        var lines = ["## Soak", "", "\(options.callers) callers, \(options.minutes) min, samples every \(options.sampleSeconds) s.", ""]
        lines.append("| kind | calls | as expected | unexpected | p50 ms | p95 ms |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for kind in Workload.Kind.allCases {
            let row = tally.all[kind] ?? Tally.Row()
            let sorted = row.milliseconds.sorted()
            func p(_ q: Double) -> String { sorted.isEmpty ? "-" : String(format: "%.0f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]) }
            lines.append("| \(kind.rawValue) | \(row.ok + row.unexpected) | \(row.ok) | \(row.unexpected) | \(p(0.5)) | \(p(0.95)) |")
        }
        for (kind, row) in tally.all where !row.reasons.isEmpty { lines.append("- \(kind.rawValue): \(row.reasons.joined(separator: "; "))") }
        lines.append("")
        func mb(_ kb: Int) -> String { String(format: "%.0f MB", Double(kb) / 1024) }
        if let warm, let end, let firstIdle, let idle {
            let idleAfter = { (sample: Sample) in Int(sample.seconds - end.seconds) }
            lines.append("| | at \(Int(warm.seconds)) s (warm) | at \(Int(end.seconds)) s (end of load) | idle, \(idleAfter(firstIdle)) s after | idle, \(idleAfter(idle)) s after | end / warm (medians of a minute) | trend, end / minute 5 |")
            lines.append("|---|---:|---:|---:|---:|---:|---:|")
            lines.append("| server PSS (not judged) | \(mb(warm.serverPSSKB)) | \(mb(end.serverPSSKB)) | \(mb(firstIdle.serverPSSKB)) | \(mb(idle.serverPSSKB)) | \(String(format: "%.2f", growth(\.serverPSSKB))) | \(String(format: "%.2f", trend(\.serverPSSKB))) |")
            lines.append("| server anonymous (RssAnon, judged) | \(mb(warm.serverAnonKB)) | \(mb(end.serverAnonKB)) | \(mb(firstIdle.serverAnonKB)) | \(mb(idle.serverAnonKB)) | \(String(format: "%.2f", growth(\.serverAnonKB))) | \(String(format: "%.2f", trend(\.serverAnonKB))) |")
            lines.append("| server RSS | \(mb(warm.serverRSSKB)) | \(mb(end.serverRSSKB)) | \(mb(firstIdle.serverRSSKB)) | \(mb(idle.serverRSSKB)) | \(String(format: "%.2f", growth(\.serverRSSKB))) | \(String(format: "%.2f", trend(\.serverRSSKB))) |")
            lines.append("| browsers PSS (whole tree, not judged) | \(mb(warm.browsersPSSKB)) | \(mb(end.browsersPSSKB)) | \(mb(firstIdle.browsersPSSKB)) | \(mb(idle.browsersPSSKB)) | \(String(format: "%.2f", growth(\.browsersPSSKB))) | \(String(format: "%.2f", trend(\.browsersPSSKB))) |")
            lines.append("| browser processes PSS (no renderers) | \(mb(warm.browserProcessesPSSKB)) | \(mb(end.browserProcessesPSSKB)) | \(mb(firstIdle.browserProcessesPSSKB)) | \(mb(idle.browserProcessesPSSKB)) | \(String(format: "%.2f", growth(\.browserProcessesPSSKB))) | \(String(format: "%.2f", trend(\.browserProcessesPSSKB))) |")
            lines.append("| median renderer PSS (under 1 GiB) | \(mb(warm.medianRendererPSSKB)) | \(mb(end.medianRendererPSSKB)) | \(mb(firstIdle.medianRendererPSSKB)) | \(mb(idle.medianRendererPSSKB)) | \(String(format: "%.2f", growth(\.medianRendererPSSKB))) | \(String(format: "%.2f", trend(\.medianRendererPSSKB))) |")
            lines.append("| largest renderer PSS | \(mb(warm.largestRendererPSSKB)) | \(mb(end.largestRendererPSSKB)) | \(mb(firstIdle.largestRendererPSSKB)) | \(mb(idle.largestRendererPSSKB)) | | |")
            lines.append("| server descriptors | \(warm.descriptors) | \(end.descriptors) | \(firstIdle.descriptors) | \(idle.descriptors) | | |")
            lines.append("| renderers | \(warm.renderers) | \(end.renderers) | \(firstIdle.renderers) | \(idle.renderers) | | |")
        }
        if let idle, let poolStats {
            lines.append("")
            lines.append("Idle: \(idle.renderers) renderer processes for \(poolStats.contextsIdle) idle + \(poolStats.contextsHeld) held contexts on \(poolStats.browsers.count) browsers; \(idle.temporaryProfiles) temporary profiles; restarts \(poolStats.restarts), recycled \(poolStats.recycled).")
        }
        let cpu = (samples.last?.serverCPUTicks ?? 0, samples.last?.browsersCPUTicks ?? 0)
        let calls = tally.all.values.reduce(0) { $0 + $1.ok + $1.unexpected }
        let hz = Double(sysconf(Int32(_SC_CLK_TCK)))
        lines.append("CPU: server \(String(format: "%.1f", Double(cpu.0) / hz)) s, browsers \(String(format: "%.1f", Double(cpu.1) / hz)) s for \(calls) calls.")
        lines.append(leftovers.isEmpty ? "Nothing left behind after SIGTERM." : "Left behind: \(leftovers.joined(separator: "; "))")
        lines.append("")
        let ratios = judgedGrowth.map { "\($0.0) \(String(format: "%.2f", $0.1))" }.joined(separator: ", ")
        lines.append("**\(passed ? "Passed" : "Failed")**: \(unexpectedErrors) unexpected errors; memory trend end/minute 5 ≤ \(Self.growthLimit): \(ratios); descriptors settled (idle ≤ warm's most + \(Self.descriptorSlack) and ≤ most under load): \(descriptorsSettled); idle renderers within the pool's set: \(idleRenderersMatchThePool).")
        return lines.joined(separator: "\n")
    }

    func write(to directory: String) throws {
        var csv = "seconds,server_rss_kb,server_pss_kb,browsers_pss_kb,server_cpu_ticks,browsers_cpu_ticks,renderers,browsers,descriptors,temporary_profiles,browser_processes_pss_kb,renderers_pss_kb,median_renderer_pss_kb,largest_renderer_pss_kb,out_of_memory_renderers,server_anon_kb\n"
        for s in samples {
            csv += "\(s.seconds),\(s.serverRSSKB),\(s.serverPSSKB),\(s.browsersPSSKB),\(s.serverCPUTicks),\(s.browsersCPUTicks),\(s.renderers),\(s.browsers),\(s.descriptors),\(s.temporaryProfiles),\(s.browserProcessesPSSKB),\(s.renderersPSSKB),\(s.medianRendererPSSKB),\(s.largestRendererPSSKB),\(s.outOfMemoryRenderers),\(s.serverAnonKB)\n"
        }
        try csv.write(toFile: directory + "/samples.csv", atomically: true, encoding: .utf8)
        try summary.write(toFile: directory + "/summary.md", atomically: true, encoding: .utf8)
        // The plot, when matplotlib is there (pip install matplotlib).
        let plot = Process()
        plot.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        plot.arguments = ["python3", "Benchmarks/Soak/plot.py", directory + "/samples.csv", directory + "/memory.png"]
        try? plot.run()
        plot.waitUntilExit()
    }
}
