/// Polls `condition` every 10 ms until it holds; throws `TestSupportError` after `timeout` (a bound
/// on a wait, never a timed assertion).
package func eventually(
    _ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        if ContinuousClock.now > deadline { throw TestSupportError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// A failure of the test scaffolding itself (a wait that timed out, a server that never listened).
package struct TestSupportError: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
