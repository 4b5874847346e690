import AsyncSupport
import Foundation
@testable import Headless
import Synchronization
import TestSupport

/// What the pool tests add to the shared `TestPools`: polling the pool's figures, leftovers.
extension TestPools {
    /// Polls the pool's stats until `condition` holds (bounded; polling, not a timed assertion).
    @discardableResult
    static func waitUntil(
        _ pool: BrowserPool, _ what: String, timeout: Duration = .seconds(30),
        _ condition: (PoolStats) -> Bool
    ) async throws -> PoolStats {
        let deadline = ContinuousClock.now + timeout
        while true {
            let stats = pool.stats()
            if condition(stats) { return stats }
            if ContinuousClock.now > deadline { throw TestSupportError("timed out waiting for \(what); last stats: \(stats)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Live processes whose command line mentions `tmp` (the pool's temporary profiles).
    static func leftoverProcesses(under tmp: String) -> [ProcessTable.Entry] {
        ProcessTable.snapshot().filter { entry in
            !entry.isZombie && (ProcessTable.readFile("/proc/\(entry.pid)/cmdline") ?? "").contains(tmp)
        }
    }

    static func farDeadline() -> ContinuousClock.Instant { .now + .seconds(60) }
}

/// A clock the test moves by hand (on top of real time).
final class ManualPoolClock: PoolClock {
    private let offset = Mutex<Duration>(.zero)

    var now: ContinuousClock.Instant { ContinuousClock.now + offset.withLock { $0 } }

    func advance(by duration: Duration) {
        offset.withLock { $0 += duration }
    }

    func sleep(until deadline: ContinuousClock.Instant) async throws {
        while now < deadline {
            try await Task.sleep(for: min(deadline - now, .milliseconds(50)))
        }
    }
}

/// A gate a test opens to let held leases finish.
final class Gate: Sendable {
    private let latch = AsyncLatch<Void>()
    func open() { latch.resolve(()) }
    func wait() async { _ = await latch.wait() }
}

/// Thread-safe list for recording orders across tasks.
final class Recorder<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ item: Element) { items.withLock { $0.append(item) } }
    var all: [Element] { items.withLock { $0 } }
}
