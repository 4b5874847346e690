import Foundation

/// RFC 3339 timestamps in UTC, as the wire shows them (`2026-11-25T09:33:00Z`).
enum RFC3339 {
    static func string(from date: Date) -> String {
        date.formatted(.iso8601)
    }
}
