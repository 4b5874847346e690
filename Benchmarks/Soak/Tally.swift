import Synchronization

/// Calls by kind: how many ended as they should, how many did not (and the first few reasons), and
/// their times.
final class Tally: Sendable {
    struct Row: Sendable {
        var ok = 0
        var unexpected = 0
        var reasons: [String] = []
        var milliseconds: [Double] = []
    }

    private let rows = Mutex<[Workload.Kind: Row]>([:])

    func record(_ kind: Workload.Kind, _ outcome: Workload.Outcome, ms: Double) {
        rows.withLock { rows in
            var row = rows[kind] ?? Row()
            switch outcome {
            case .ok: row.ok += 1
            case .unexpected(let reason):
                row.unexpected += 1
                if row.reasons.count < 5 { row.reasons.append(reason) }
            }
            row.milliseconds.append(ms)
            rows[kind] = row
        }
    }

    var all: [Workload.Kind: Row] { rows.withLock { $0 } }
}

/// Each caller's next round, carried across the load's phases (the rotation goes on after the pause).
final class RoundCounter: Sendable {
    private let next = Mutex<[Int]>([])

    init(callers: Int) {
        next.withLock { $0 = Array(repeating: 0, count: callers) }
    }

    /// `caller`'s round now; the next call answers the one after.
    func next(_ caller: Int) -> Int {
        next.withLock { rounds in
            defer { rounds[caller] += 1 }
            return rounds[caller]
        }
    }
}
