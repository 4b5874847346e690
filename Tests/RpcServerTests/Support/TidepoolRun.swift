import TestSupport

extension BrowserSuites.CLITests {
    /// Runs `tidepool <arguments>` in a fresh temporary directory, removed afterwards: for runs
    /// that leave nothing to look at but their output.
    static func tidepool(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try await tidepool(arguments, in: directory.path, environment: environment)
    }
}
