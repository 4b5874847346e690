// StoreBench: throughput and memory of RpcSessionStore. Prints Markdown for BENCHMARKS.md.
//
//   swift build -c release --product StoreBench && .build/release/StoreBench
//   options: --tasks 1,2,8  --sessions 10000  --pairs 2000000  --runs 5
//            --memory-sessions 100000  --sqlite-pairs 20000  --no-sqlite  --no-memory
//
// Throughput: each of N tasks loops `getOrCreate(id:)` + `recordRequest(_:url:renderTimeMs:)` on
// pseudo-randomly chosen ids among `--sessions` existing sessions (in-memory backend); one "pair" is
// both calls. Memory: a fresh child process creates `--memory-sessions` sessions (one recorded
// request each) and reports the growth of its resident set (/proc/self/statm) divided by the count.
import Foundation
import SessionContext
import SessionContextSQLite

struct Options {
    var tasks = [1, 2, 8]
    var sessions = 10_000
    var pairs = 2_000_000
    var runs = 5
    var memorySessions = 100_000
    var sqlitePairs = 20_000
    var sqlite = true
    var memory = true
    var mode = "all"
    var idKind = "generated"

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--tasks": tasks = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--sessions": sessions = iterator.next().flatMap(Int.init) ?? sessions
            case "--pairs": pairs = iterator.next().flatMap(Int.init) ?? pairs
            case "--runs": runs = iterator.next().flatMap(Int.init) ?? runs
            case "--memory-sessions": memorySessions = iterator.next().flatMap(Int.init) ?? memorySessions
            case "--sqlite-pairs": sqlitePairs = iterator.next().flatMap(Int.init) ?? sqlitePairs
            case "--no-sqlite": sqlite = false
            case "--no-memory": memory = false
            case "memory-child": mode = "memory-child"; idKind = iterator.next() ?? idKind
            default: fatalError("unknown argument \(argument); see the header of Benchmarks/StoreBench/main.swift")
            }
        }
    }
}

let url = "https://fixture.tidepool.test/catalog/page"

/// Resident set size of this process, from /proc/self/statm (pages × page size).
func residentBytes() -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? ""
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * sysconf(Int32(_SC_PAGESIZE))
}

/// A cheap per-task pseudo-random sequence (xorshift64*), so the access pattern is not sequential.
struct XorShift {
    var state: UInt64
    mutating func next(below bound: Int) -> Int {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return Int((state &* 2_685_821_657_736_338_717) >> 33) % bound
    }
}

/// CPU time this process used so far (all threads), in seconds.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

struct Measurement {
    var wallSeconds: Double
    var cpuSeconds: Double
}

/// Runs `pairs` getOrCreate + recordRequest pairs split over `tasks` tasks.
func measurePairs<B: SessionBackend>(store: RpcSessionStore<B>, ids: [SessionID], tasks: Int, pairs: Int) async throws -> Measurement {
    let perTask = pairs / tasks
    let cpuStart = processCPUSeconds()
    let start = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for task in 0..<tasks {
            group.addTask {
                var random = XorShift(state: 0x9E37_79B9_7F4A_7C15 &+ UInt64(task) &* 0xBF58_476D_1CE4_E5B9)
                for step in 0..<perTask {
                    let id = ids[random.next(below: ids.count)]
                    _ = try await store.getOrCreate(id: id)
                    try await store.recordRequest(id, url: url, renderTimeMs: 5 + Double(step & 1023) * 0.25)
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = ContinuousClock.now - start
    return Measurement(
        wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
        cpuSeconds: processCPUSeconds() - cpuStart
    )
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func formatRate(_ rate: Double) -> String {
    String(format: "%.2f M", rate / 1e6)
}

/// Child mode: creates the sessions and prints "bytes_per_session resident_delta count".
func memoryChild(_ options: Options) async throws {
    let store = RpcSessionStore(clock: SystemWallClock())
    let count = options.memorySessions
    let before = residentBytes()
    for index in 0..<count {
        let id = options.idKind == "generated" ? SessionID.generate() : try SessionID(validating: "user-\(index)")
        _ = try await store.getOrCreate(id: id)
        try await store.recordRequest(id, url: url, renderTimeMs: 12.5)
    }
    let after = residentBytes()
    let stored = try await store.sessionCount()
    precondition(stored == count, "expected \(count) sessions, store holds \(stored)")
    print("\(Double(after - before) / Double(count)) \(after - before) \(count)")
    withExtendedLifetime(store) {}
}

func runMemoryChild(idKind: String, options: Options) throws -> (bytesPerSession: Double, delta: Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    process.arguments = ["memory-child", idKind, "--memory-sessions", "\(options.memorySessions)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let fields = output.split(whereSeparator: \.isWhitespace)
    guard process.terminationStatus == 0, fields.count == 3, let perSession = Double(fields[0]), let delta = Int(fields[1])
    else {
        throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "memory child failed: \(output)"])
    }
    return (perSession, delta)
}

func runAll(_ options: Options) async throws {
    print("## StoreBench\n")
    print("- sessions: \(options.sessions), pairs per run: \(options.pairs), runs: \(options.runs) (median and best)")
    print("- one pair = `getOrCreate(id:)` + `recordRequest(_:url:renderTimeMs:)`; calls/s = 2 × pairs/s\n")

    print("### Memory (\(options.memorySessions) sessions, fresh process, RSS delta / count)\n")
    print("| ids | bytes per session | RSS delta |")
    print("|---|---:|---:|")
    for kind in options.memory ? ["generated", "custom"] : [] {
        let result = try runMemoryChild(idKind: kind, options: options)
        let label = kind == "generated" ? "generated (`ses_` + 32 hex)" : "caller-given (`user-N`)"
        print("| \(label) | \(String(format: "%.0f", result.bytesPerSession)) | \(result.delta / 1024) KiB |")
    }

    print("\n### In-memory backend, \(options.sessions) sessions\n")
    print("| tasks | pairs/s (median) | pairs/s (best) | calls/s (median) | CPU ns per pair (median) |")
    print("|---:|---:|---:|---:|---:|")
    let store = RpcSessionStore(clock: SystemWallClock())
    var ids: [SessionID] = []
    for _ in 0..<options.sessions {
        let id = SessionID.generate()
        _ = try await store.getOrCreate(id: id)
        ids.append(id)
    }
    for tasks in options.tasks {
        _ = try await measurePairs(store: store, ids: ids, tasks: tasks, pairs: options.pairs / 10)  // warm-up
        var rates: [Double] = []
        var cpuPerPair: [Double] = []
        for _ in 0..<options.runs {
            let measured = try await measurePairs(store: store, ids: ids, tasks: tasks, pairs: options.pairs)
            let done = Double(options.pairs / tasks * tasks)
            rates.append(done / measured.wallSeconds)
            cpuPerPair.append(measured.cpuSeconds / done * 1e9)
        }
        print(
            "| \(tasks) | \(formatRate(median(rates))) | \(formatRate(rates.max() ?? 0)) | \(formatRate(2 * median(rates)))"
                + " | \(String(format: "%.0f", median(cpuPerPair))) |"
        )
    }
    let metrics = try await store.metrics()
    print("\n(check: store counted \(metrics.totalRequests) requests, p50 \(metrics.p50RenderMs) ms)")

    guard options.sqlite else { return }
    print("\n### SQLite backend (WAL, synchronous=NORMAL), 1000 sessions\n")
    print("| tasks | pairs/s | calls/s |")
    print("|---:|---:|---:|")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("storebench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    let backend = try await SQLiteSessionBackend.open(path: directory.appendingPathComponent("sessions.sqlite").path)
    let sqliteStore = RpcSessionStore(backend: backend)
    var sqliteIDs: [SessionID] = []
    for _ in 0..<1000 {
        let id = SessionID.generate()
        _ = try await sqliteStore.getOrCreate(id: id)
        sqliteIDs.append(id)
    }
    for tasks in [1, 8] {
        let measured = try await measurePairs(store: sqliteStore, ids: sqliteIDs, tasks: tasks, pairs: options.sqlitePairs)
        let rate = Double(options.sqlitePairs / tasks * tasks) / measured.wallSeconds
        print("| \(tasks) | \(String(format: "%.0f", rate)) | \(String(format: "%.0f", 2 * rate)) |")
    }
    try await sqliteStore.close()
}

let options = Options(CommandLine.arguments)
if options.mode == "memory-child" {
    try await memoryChild(options)
} else {
    try await runAll(options)
}
