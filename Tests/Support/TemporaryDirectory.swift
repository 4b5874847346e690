package import Foundation

/// A fresh empty directory under the system's temporary directory for one test, removed by
/// `remove()` or, at the latest, when the last reference goes.
package final class TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    package let path: String

    /// Creates `<tmp>/<prefix>-<uuid>`.
    package init(prefix: String = "tidepool-test") throws {
        path = try Self.make(prefix: prefix)
    }

    deinit {
        remove()
    }

    /// The directory as a file URL.
    package var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// The SQLite database file of a session backend opened in this directory.
    package var databasePath: String { url.appendingPathComponent("sessions.sqlite").path }

    /// Deletes the directory and everything in it (again: nothing happens).
    package func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Creates a fresh directory the caller removes itself; its path.
    package static func make(prefix: String = "tidepool-test") throws -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
