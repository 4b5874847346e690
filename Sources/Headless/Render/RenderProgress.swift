import RenderTypes
import Synchronization

/// What one render attempt has done so far, for its timings, its error's stage and the crash-retry
/// rule (a crash is retried only before navigation started).
final class RenderProgress: Sendable {
    private struct State {
        var stage: RenderStage = .queue
        var stageStart: ContinuousClock.Instant
        var timings = StageTimings()
        var navigated = false
        var warnings: [String] = []
        var waitConditionsMet: [String] = []
    }

    let receivedAt: ContinuousClock.Instant
    private let state: Mutex<State>

    init(receivedAt: ContinuousClock.Instant) {
        self.receivedAt = receivedAt
        self.state = Mutex(State(stageStart: receivedAt))
    }

    /// Closes the running stage (adding its time to `timing`) and opens `stage`.
    func enter(_ stage: RenderStage, closing timing: WritableKeyPath<StageTimings, Double>) {
        let now = ContinuousClock.now
        state.withLock { s in
            s.timings[keyPath: timing] += Self.ms(now - s.stageStart)
            s.stage = stage
            s.stageStart = now
        }
    }

    /// Ends the queue stage when a lease starts: the time since the call arrived is queue time, except
    /// `creationTime` (making the context), which counts as lease time.
    func beginLease(creationTime: Duration) {
        let now = ContinuousClock.now
        state.withLock { s in
            let total = Self.ms(now - s.stageStart)
            let creation = min(total, Self.ms(creationTime))
            s.timings.queueMs += (total - creation).rounded(toPlaces: 2)
            s.timings.leaseMs += creation
            s.stage = .navigation
            s.stageStart = now
        }
    }

    /// Adds the running stage's time to `timing` without changing stage.
    func close(_ timing: WritableKeyPath<StageTimings, Double>) {
        let now = ContinuousClock.now
        state.withLock { s in
            s.timings[keyPath: timing] += Self.ms(now - s.stageStart)
            s.stageStart = now
        }
    }

    func markNavigated() { state.withLock { $0.navigated = true } }
    func warn(_ warning: String) { state.withLock { $0.warnings.append(warning) } }
    func met(_ conditions: [String]) { state.withLock { $0.waitConditionsMet += conditions } }

    var stage: RenderStage { state.withLock { $0.stage } }
    var navigated: Bool { state.withLock { $0.navigated } }
    /// The stage times so far, each rounded to hundredths of a millisecond (sums of rounded parts
    /// would otherwise show binary noise such as 280.66999999999996).
    var timings: StageTimings {
        var t = state.withLock { $0.timings }
        for path in [\StageTimings.queueMs, \.leaseMs, \.navigationMs, \.waitMs, \.actionsMs, \.captureMs] {
            t[keyPath: path] = t[keyPath: path].rounded(toPlaces: 2)
        }
        return t
    }
    var warnings: [String] { state.withLock { $0.warnings } }
    var waitConditionsMet: [String] { state.withLock { $0.waitConditionsMet } }

    /// Milliseconds since the call arrived.
    var elapsedMs: Int { Int(Self.ms(.now - receivedAt)) }

    /// The render's deadline passed in the running stage.
    var timeout: RenderError { .timeout(stage: stage, elapsedMs: elapsedMs) }
    /// The render's task was cancelled in the running stage.
    var cancellation: RenderError { .cancelled(stage: stage, elapsedMs: elapsedMs) }

    static func ms(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return (Double(seconds) * 1000 + Double(attoseconds) / 1e15).rounded(toPlaces: 2)
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
