import Foundation
import RenderTypes

/// The soak's findings: success per kind, memory over time against its minute-5 value, what was left.
struct Report {
    let tally: Tally
    let samples: [Sample]
    /// The samples of the pause at minute 5 (no load, 15 s apart).
    let pause: Range<Int>
    /// How many of the last samples were taken once the load had stopped.
    let idleSamples: Int
    let poolStats: BrowserPoolStats?
    let leftovers: [String]
    let options: Options

    /// Memory may end at most this much above its value at minute 5 (after warm-up).
    static let growthLimit = 1.2

    /// Samples taken under load (not in the pause, not idle at the end).
    var loaded: [Sample] {
        samples.indices.filter { !pause.contains($0) && $0 < samples.count - idleSamples }.map { samples[$0] }
    }
    /// The minute of load before the pause.
    var warmWindow: [Sample] {
        let pauseStarts = pause.first.map { samples[$0].seconds } ?? 0
        return loaded.filter { $0.seconds < pauseStarts && $0.seconds >= pauseStarts - 75 }
    }
    var warm: Sample? { warmWindow.last }
    var end: Sample? { loaded.last }
    /// The first sample once the load stopped, and the last one, taken minutes later: memory the
    /// server holds only while winding down shows in the first and is gone in the last.
    var firstIdle: Sample? { idleSamples > 0 && samples.count > idleSamples ? samples[samples.count - idleSamples] : nil }
    var idle: Sample? { idleSamples > 0 ? samples.last : nil }

    /// The pause's last sample, and the end's sample taken as long after the load stopped: the two
    /// states the goal compares ("≤ 1.2× its value at minute 5"). Memory read under load moves with
    /// what is in flight (a 10 MB document held while it is sent, an out-of-memory page's renderer)
    /// and with what the allocator keeps free after it; read idle, the same time after the load, it
    /// shows what the service keeps.
    var warmIdle: Sample? { pause.isEmpty ? nil : samples[pause.upperBound - 1] }
    var endIdle: Sample? {
        let index = samples.count - idleSamples + pause.count - 1
        return pause.isEmpty || index < 0 || index >= samples.count ? nil : samples[index]
    }

    var unexpectedErrors: Int { tally.all.values.reduce(0) { $0 + $1.unexpected } }

    /// `figure`'s trend over the load after the pause: the least-squares line through every sample
    /// under load, its value at the end against its value at the pause (shown, not judged: the
    /// server's anonymous memory stood on 31, 45, 51 and 71 MB plateaus for minutes in one run and
    /// fell back to 31 MB — the allocator's arenas after 10 MB documents, not a leak — and the line
    /// follows such plateaus).
    func trend(_ figure: (Sample) -> Int) -> Double {
        let pauseEnds = pause.last.map { samples[$0].seconds } ?? 0
        let span = loaded.filter { $0.seconds >= pauseEnds }
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

    /// The browsers' processes other than renderers, per browser (the pool runs one or two as it
    /// recycles them).
    static func perBrowser(_ sample: Sample) -> Int { sample.browserProcessesPSSKB / max(1, sample.browsers) }

    /// The memory figures that must not grow, by name, with end / minute 5, both read idle as long
    /// after the load stopped: the server's heap in use (what its live allocations hold, from its
    /// /metrics; its RSS, anonymous memory and PSS are shown, not judged: they move with what the
    /// allocator keeps free, and PSS with how many other processes share its libraries), the
    /// browsers' long-lived processes per browser, and the median renderer (the parked and prewarmed
    /// contexts' renderers: a leak in recycled pages would grow them all). Infinity when a figure was
    /// not read (zero).
    var judgedGrowth: [(String, Double)] {
        guard let warmIdle, let endIdle else { return [("idle samples", .infinity)] }
        func ratio(_ figure: (Sample) -> Int) -> Double {
            figure(warmIdle) > 0 && figure(endIdle) > 0 ? Double(figure(endIdle)) / Double(figure(warmIdle)) : .infinity
        }
        return [
            ("server heap", ratio(\.serverHeapKB)), ("browser processes per browser", ratio(Self.perBrowser)),
            ("median renderer", ratio(\.medianRendererPSSKB)),
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
        if let warm, let end, let firstIdle, let idle, let warmIdle, let endIdle {
            let after = { (sample: Sample, stop: Double) in Int(sample.seconds - stop) }
            let pauseStop = warm.seconds
            let endStop = end.seconds
            lines.append(
                "| | at \(Int(warm.seconds)) s (load, minute 5) | idle at minute 5, \(after(warmIdle, pauseStop)) s after | at \(Int(end.seconds)) s (end of load) "
                    + "| idle, \(after(firstIdle, endStop)) s after | idle, \(after(endIdle, endStop)) s after | idle, \(after(idle, endStop)) s after "
                    + "| end / minute 5, idle | trend under load (not judged) |")
            lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            func row(_ name: String, _ figure: (Sample) -> Int, judged: Bool, megabytes: Bool = true) {
                let cells = [warm, warmIdle, end, firstIdle, endIdle, idle].map { megabytes ? mb(figure($0)) : "\(figure($0))" }
                let ratio = figure(warmIdle) > 0 ? String(format: "%.2f", Double(figure(endIdle)) / Double(figure(warmIdle))) : "–"
                let trendCell = megabytes ? String(format: "%.2f", trend(figure)) : ""
                lines.append("| \(name) | \(cells.joined(separator: " | ")) | \(judged ? "**\(ratio)**" : ratio) | \(trendCell) |")
            }
            row("server heap in use (judged)", \.serverHeapKB, judged: true)
            row("server anonymous (RssAnon)", \.serverAnonKB, judged: false)
            row("server RSS", \.serverRSSKB, judged: false)
            row("server PSS", \.serverPSSKB, judged: false)
            row("browser processes PSS per browser (no renderers; judged)", Self.perBrowser, judged: true)
            row("median renderer PSS (under 1 GiB; judged)", \.medianRendererPSSKB, judged: true)
            row("browsers PSS (whole tree)", \.browsersPSSKB, judged: false)
            row("largest renderer PSS", \.largestRendererPSSKB, judged: false)
            row("server descriptors", \.descriptors, judged: false, megabytes: false)
            row("renderers", \.renderers, judged: false, megabytes: false)
            row("browsers", \.browsers, judged: false, megabytes: false)
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
        lines.append("**\(passed ? "Passed" : "Failed")**: \(unexpectedErrors) unexpected errors; memory idle at the end / idle at minute 5 ≤ \(Self.growthLimit): \(ratios); descriptors settled (idle ≤ warm's most + \(Self.descriptorSlack) and ≤ most under load): \(descriptorsSettled); idle renderers within the pool's set: \(idleRenderersMatchThePool).")
        return lines.joined(separator: "\n")
    }

    func write(to directory: String) throws {
        var csv = "seconds,server_rss_kb,server_pss_kb,browsers_pss_kb,server_cpu_ticks,browsers_cpu_ticks,renderers,browsers,descriptors,temporary_profiles,browser_processes_pss_kb,renderers_pss_kb,median_renderer_pss_kb,largest_renderer_pss_kb,out_of_memory_renderers,server_anon_kb,server_heap_kb\n"
        for s in samples {
            csv += "\(s.seconds),\(s.serverRSSKB),\(s.serverPSSKB),\(s.browsersPSSKB),\(s.serverCPUTicks),\(s.browsersCPUTicks),\(s.renderers),\(s.browsers),\(s.descriptors),\(s.temporaryProfiles),\(s.browserProcessesPSSKB),\(s.renderersPSSKB),\(s.medianRendererPSSKB),\(s.largestRendererPSSKB),\(s.outOfMemoryRenderers),\(s.serverAnonKB),\(s.serverHeapKB)\n"
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
