import NIOCore

extension Duration {
    /// Whole milliseconds, rounded down (for error messages and stats).
    var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// Whole nanoseconds, clamped to what NIO timers take.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? 0 : Int64.max }
        return max(0, whole + attoseconds / 1_000_000_000)
    }

    /// The same span as a NIO `TimeAmount`, for scheduling on an event loop.
    var timeAmount: TimeAmount { .nanoseconds(nanosecondsClamped) }
}

extension ContinuousClock.Instant {
    /// Milliseconds from `self` to `later` (0 if `later` is earlier).
    func milliseconds(until later: ContinuousClock.Instant) -> Int {
        max(0, (later - self).wholeMilliseconds)
    }
}
