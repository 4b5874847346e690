public import Foundation

/// RFC 3339 timestamps in UTC with millisecond precision (`2026-11-25T09:33:00.123Z`), the form
/// every session timestamp takes on the wire.
public enum RFC3339 {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt)

    /// `date` as RFC 3339 UTC text with milliseconds (rounded down). A date parsed from such text
    /// prints back the same: the milliseconds are counted from the microsecond nearest the date, so a
    /// parsed `.123` that the double holds as `.12299999…` is not written as `.122`.
    public static func string(from date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let millis = (micros / 1000).rounded(.down)
        let seconds = (millis / 1000).rounded(.down)
        let fraction = Int(millis - seconds * 1000)
        var text = withoutFraction.format(Date(timeIntervalSince1970: seconds))
        guard text.last == "Z" else { return withFraction.format(date) }
        text.removeLast()
        let digits = String(fraction)
        return text + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Parses RFC 3339 text with or without fractional seconds; nil when it is not a timestamp.
    public static func date(from text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }
}
