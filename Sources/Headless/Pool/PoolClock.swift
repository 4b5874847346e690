/// The time source of the pool's lifetime, idle, health-check and backoff decisions, injectable so
/// tests advance time instead of sleeping. Callers' lease deadlines are real `ContinuousClock` instants.
public protocol PoolClock: Sendable {
    var now: ContinuousClock.Instant { get }
    /// Sleeps until `deadline` on this clock; throws when the task is cancelled.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

/// The real clock.
public struct SystemPoolClock: PoolClock {
    public init() {}

    public var now: ContinuousClock.Instant { .now }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, clock: .continuous)
    }
}
