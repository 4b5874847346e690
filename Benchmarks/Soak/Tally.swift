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
