// StoreBench: throughput and memory of RpcSessionStore. Prints Markdown for BENCHMARKS.md.
//
//   swift build -c release --product StoreBench && .build/release/StoreBench
//   options: --tasks 1,2,8  --sessions 10000  --pairs 2000000  --runs 5
//            --memory-sessions 100000  --sqlite-pairs 20000  --no-sqlite  --no-memory
//            --database-url postgres://…  (else two PostgreSQL servers are started in temporary
//            directories: defaults, and synchronous_commit=off)  --no-postgres
//   (--sqlite-pairs sets the pairs of each persistent backend's row)
//
// Throughput: each of N tasks loops `getOrCreate(id:)` + `recordRequest(_:url:renderTimeMs:)` on
// pseudo-randomly chosen ids among `--sessions` existing sessions (in-memory backend); one "pair" is
// both calls. Memory: a fresh child process creates `--memory-sessions` sessions (one recorded
// request each) and reports the growth of its resident set (/proc/self/statm) divided by the count.
// Persistent backends: SQLite and PostgreSQL in the same run, the same pairs on 1,000 sessions,
// with each pair's latency (p50, p99), then the statements PostgreSQL ran per call (its log).
import Foundation
import Logging
import PostgresNIO
import PostgresSandbox
import SessionContext
import SessionContextPostgres
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
    var postgres = true
    var databaseURL: String?
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
            case "--no-postgres": postgres = false
            case "--database-url": databaseURL = iterator.next()
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

/// Runs `pairs` getOrCreate + recordRequest pairs split over `tasks` tasks; with `latencies`, also
/// each pair's duration in seconds (reading the clock twice a pair, so only for the slow backends).
func measurePairs<B: SessionBackend>(
    store: RpcSessionStore<B>, ids: [SessionID], tasks: Int, pairs: Int, latencies: Bool = false
) async throws -> (Measurement, [Double]) {
    let perTask = pairs / tasks
    let cpuStart = processCPUSeconds()
    let start = ContinuousClock.now
    let durations = try await withThrowingTaskGroup(of: [Double].self) { group in
        for task in 0..<tasks {
            group.addTask {
                var random = XorShift(state: 0x9E37_79B9_7F4A_7C15 &+ UInt64(task) &* 0xBF58_476D_1CE4_E5B9)
                var durations: [Double] = []
                for step in 0..<perTask {
                    let id = ids[random.next(below: ids.count)]
                    let began = latencies ? ContinuousClock.now : start
                    _ = try await store.getOrCreate(id: id)
                    try await store.recordRequest(id, url: url, renderTimeMs: 5 + Double(step & 1023) * 0.25)
                    if latencies { durations.append(seconds(ContinuousClock.now - began)) }
                }
                return durations
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }
    }
    let measurement = Measurement(wallSeconds: seconds(ContinuousClock.now - start), cpuSeconds: processCPUSeconds() - cpuStart)
    return (measurement, durations)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// The value below which `fraction` of `values` lie.
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
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
            let (measured, _) = try await measurePairs(store: store, ids: ids, tasks: tasks, pairs: options.pairs)
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

    try await persistentBackends(options)
}

/// A store over a persistent backend, with its sessions created, and how to close it.
struct PersistentStore {
    var name: String
    var store: RpcSessionStore<AnySessionBackend>
    var ids: [SessionID]
}

/// SQLite and PostgreSQL side by side: the same pairs, throughput and each pair's latency; then
/// PostgreSQL's statements per call.
func persistentBackends(_ options: Options) async throws {
    guard options.sqlite || options.postgres else { return }
    var stores: [PersistentStore] = []
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("storebench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    if options.sqlite {
        let backend = try await SQLiteSessionBackend.open(path: directory.appendingPathComponent("sessions.sqlite").path)
        stores.append(try await populated("SQLite (WAL, synchronous=NORMAL)", AnySessionBackend(backend)))
    }
    var sandboxes: [PostgresSandbox] = []
    if options.postgres, let given = options.databaseURL {
        let backend = try await PostgresSessionBackend.open(url: try PostgresDatabaseURL(given))
        stores.append(try await populated("PostgreSQL (given)", AnySessionBackend(backend)))
    } else if options.postgres {
        // PostgreSQL's defaults (fsync at every commit), then with commits flushed in the background
        // like SQLite's synchronous=NORMAL (a crash may lose the last commits, never corrupt).
        let kinds: [(String, [String])] = [
            ("PostgreSQL 15 (defaults: fsync per commit)", []),
            ("PostgreSQL 15 (synchronous_commit=off)", ["synchronous_commit=off"]),
        ]
        for (name, settings) in kinds {
            let sandbox = try await PostgresSandbox.start(durability: .standard, settings: settings)
            sandboxes.append(sandbox)
            try await sandbox.createDatabase("storebench")
            let backend = try await PostgresSessionBackend.open(url: try PostgresDatabaseURL(sandbox.url(database: "storebench")))
            stores.append(try await populated(name, AnySessionBackend(backend)))
        }
    }
    print("\n### Persistent backends, 1000 sessions, \(options.sqlitePairs) pairs per row\n")
    print("| backend | tasks | pairs/s | calls/s | one pair p50 | one pair p99 |")
    print("|---|---:|---:|---:|---:|---:|")
    var rates: [String: [Int: Double]] = [:]
    for tasks in [1, 8] {
        for entry in stores {
            _ = try await measurePairs(store: entry.store, ids: entry.ids, tasks: tasks, pairs: options.sqlitePairs / 10)
            let (measured, durations) = try await measurePairs(
                store: entry.store, ids: entry.ids, tasks: tasks, pairs: options.sqlitePairs, latencies: true)
            let rate = Double(durations.count) / measured.wallSeconds
            rates[entry.name, default: [:]][tasks] = rate
            print(
                "| \(entry.name) | \(tasks) | \(String(format: "%.0f", rate)) | \(String(format: "%.0f", 2 * rate)) | "
                    + "\(String(format: "%.2f", percentile(durations, 0.5) * 1000)) ms | "
                    + "\(String(format: "%.2f", percentile(durations, 0.99) * 1000)) ms |"
            )
        }
    }
    if options.sqlite, let sqlite = stores.first.flatMap({ rates[$0.name] }) {
        print()
        for entry in stores.dropFirst() {
            let ratios = [1, 8].map { String(format: "%.2f", (rates[entry.name]?[$0] ?? 0) / (sqlite[$0] ?? 1)) }
            print("- \(entry.name) / SQLite throughput: \(ratios[0]) with 1 task, \(ratios[1]) with 8 tasks")
        }
    }
    if let sandbox = sandboxes.last, let postgres = stores.last {
        try await roundTrip(url: sandbox.url(database: "storebench"))
        // Logged only now: logging every statement would slow the runs above.
        try await sandbox.configure("log_statement", "all")
        try await countStatements(postgres, log: sandbox.logPath)
    }
    for entry in stores { try await entry.store.close() }
    for sandbox in sandboxes { await sandbox.shutdown() }
}

/// A store over `backend` holding 1,000 fresh sessions.
func populated(_ name: String, _ backend: AnySessionBackend) async throws -> PersistentStore {
    let store = RpcSessionStore(backend: backend)
    var ids: [SessionID] = []
    for _ in 0..<1000 {
        let id = SessionID.generate()
        _ = try await store.getOrCreate(id: id)
        ids.append(id)
    }
    return PersistentStore(name: name, store: store, ids: ids)
}

/// The latency of one round trip (`SELECT 1` on one connection of postgres-nio, no pool): what
/// each statement of a store call costs at least.
func roundTrip(url: String) async throws {
    let logger = Logger(label: "storebench")
    let connection = try await PostgresConnection.connect(
        configuration: try PostgresDatabaseURL(url).connectionConfiguration(), id: 1, logger: logger)
    var durations: [Double] = []
    for _ in 0..<2000 {
        let start = ContinuousClock.now
        try await connection.query("SELECT 1", logger: logger)
        durations.append(seconds(ContinuousClock.now - start))
    }
    try await connection.close()
    print(
        "\nOne round trip (`SELECT 1`, one connection, 2000 times): p50 "
            + "\(String(format: "%.3f", percentile(durations, 0.5) * 1000)) ms, p99 \(String(format: "%.3f", percentile(durations, 0.99) * 1000)) ms"
    )
}

/// Statements (each one round trip) PostgreSQL logged per call, for each kind of call.
func countStatements(_ entry: PersistentStore, log: String) async throws {
    func statements() -> Int {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.components(separatedBy: "LOG:  execute").count - 1
    }
    let calls = 200
    print("\n| PostgreSQL call (one session, \(calls) calls) | statements per call |")
    print("|---|---:|")
    let kinds: [(String, (SessionID) async throws -> Void)] = [
        ("getOrCreate, existing session", { _ = try await entry.store.getOrCreate(id: $0) }),
        ("recordRequest", { try await entry.store.recordRequest($0, url: url, renderTimeMs: 5) }),
        ("getOrCreate, new session", { _ in _ = try await entry.store.getOrCreate(id: SessionID.generate()) }),
        ("get (peek, no renewal)", { _ = try await entry.store.peek($0) }),
    ]
    for (name, call) in kinds {
        try await Task.sleep(for: .milliseconds(300))  // the log is written asynchronously
        let before = statements()
        for index in 0..<calls { try await call(entry.ids[index]) }
        try await Task.sleep(for: .milliseconds(300))
        print("| \(name) | \(String(format: "%.1f", Double(statements() - before) / Double(calls))) |")
    }
}

let options = Options(CommandLine.arguments)
if options.mode == "memory-child" {
    try await memoryChild(options)
} else {
    try await runAll(options)
}
