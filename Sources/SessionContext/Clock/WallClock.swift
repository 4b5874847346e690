public import Foundation

/// The source of wall-clock time for session timestamps and expiry. Injected into the store so
/// TTL behaviour is tested by advancing a `ManualWallClock`, never by sleeping.
public protocol WallClock: Sendable {
    /// The current wall-clock instant.
    func now() -> Date
}

/// The system's real-time clock.
public struct SystemWallClock: WallClock {
    public init() {}

    @inlinable
    public func now() -> Date { Date() }
}
