extension Duration {
    /// Whole milliseconds, rounded down (for error messages, error data and stats).
    public var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    /// The duration in seconds, fractions included (for a database's clock arithmetic, log lines).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension ContinuousClock.Instant {
    /// Milliseconds from `self` to `later` (0 if `later` is earlier).
    public func milliseconds(until later: ContinuousClock.Instant) -> Int {
        max(0, (later - self).wholeMilliseconds)
    }
}
