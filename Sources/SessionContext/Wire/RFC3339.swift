public import Foundation

/// RFC 3339 timestamps in UTC with millisecond precision (`2026-11-25T09:33:00.123Z`), the form
/// every session timestamp takes on the wire.
public enum RFC3339 {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)

    /// `date` as RFC 3339 UTC text with milliseconds.
    public static func string(from date: Date) -> String {
        withFraction.format(date)
    }

    /// Parses RFC 3339 text with or without fractional seconds; nil when it is not a timestamp.
    public static func date(from text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }
}
