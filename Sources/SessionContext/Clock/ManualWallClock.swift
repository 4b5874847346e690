public import Foundation
import Synchronization

/// A clock that only moves when told to, for tests: `advance(by:)` and `set(to:)`.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    /// A clock reading `start` (by default a fixed instant, 2026-01-01T00:00:00Z, so tests are repeatable).
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        current = Mutex(start)
    }

    public func now() -> Date {
        current.withLock { $0 }
    }

    /// Moves the clock forward (or back, with a negative interval) by `seconds`.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Duration) {
        let parts = duration.components
        advance(by: TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18)
    }

    /// Sets the clock to `date`.
    public func set(to date: Date) {
        current.withLock { $0 = date }
    }
}
