import NIOCore

extension Duration {
    /// The duration in whole nanoseconds, clamped to `0...Int64.max`.
    var clampedNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }

    /// The same span for SwiftNIO.
    var timeAmount: TimeAmount { .nanoseconds(clampedNanoseconds) }
}
