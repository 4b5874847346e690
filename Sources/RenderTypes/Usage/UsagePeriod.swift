public import Foundation

/// A period `usage.get` sums and budgets count over: the current UTC minute, day or month.
public enum UsagePeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case minute, day, month

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The start and end (exclusive) of the period holding `instant`, in whole unix seconds.
    public func bounds(of instant: Date) -> (start: Int, end: Int) {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        switch self {
        case .minute:
            let start = seconds - Self.modulo(seconds, 60)
            return (start, start + 60)
        case .day:
            let start = seconds - Self.modulo(seconds, 86_400)
            return (start, start + 86_400)
        case .month:
            let components = Self.utc.dateComponents([.year, .month], from: instant)
            let start = Self.utc.date(from: components) ?? instant
            let end = Self.utc.date(byAdding: .month, value: 1, to: start) ?? start
            return (Int(start.timeIntervalSince1970), Int(end.timeIntervalSince1970))
        }
    }

    private static func modulo(_ value: Int, _ divisor: Int) -> Int {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
