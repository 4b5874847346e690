import Foundation
import SessionContext
import SessionContextSQLite
import Testing
import TestSupport

/// The backends every contract test runs against.
enum BackendKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite

    var testDescription: String { rawValue }
}

extension TemporaryDirectory {
    /// The SQLite database file of a backend opened in this directory.
    var databasePath: String { url.appendingPathComponent("sessions.sqlite").path }
}

/// Runs `body` with a fresh backend of `kind`, then closes it and removes its files.
func withBackend<T>(_ kind: BackendKind, _ body: (AnySessionBackend) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let backend: AnySessionBackend
    switch kind {
    case .memory: backend = AnySessionBackend(InMemorySessionBackend(shardCount: 8))
    case .sqlite: backend = AnySessionBackend(try await SQLiteSessionBackend.open(path: directory.databasePath))
    }
    do {
        let result = try await body(backend)
        try await backend.close()
        return result
    } catch {
        try? await backend.close()
        throw error
    }
}

/// Runs `body` with a store over a fresh backend of `kind` and a manual clock.
func withStore<T>(
    _ kind: BackendKind, clock: ManualWallClock = ManualWallClock(),
    configuration: RpcSessionStore<AnySessionBackend>.Configuration = .init(),
    _ body: (RpcSessionStore<AnySessionBackend>, ManualWallClock) async throws -> T
) async throws -> T {
    try await withBackend(kind) { backend async throws in
        let store = RpcSessionStore(backend: backend, clock: clock, configuration: configuration)
        return try await body(store, clock)
    }
}

/// Expects `body` to throw a `SessionError` that `matches` accepts (`wanted` describes it).
func expectSessionError<T>(
    _ wanted: String, sourceLocation: SourceLocation, _ body: () async throws(SessionError) -> T,
    matches: (SessionError) -> Bool
) async {
    do {
        _ = try await body()
        Issue.record("expected \(wanted), nothing was thrown", sourceLocation: sourceLocation)
    } catch {
        #expect(matches(error), "expected \(wanted), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Expects `body` to throw exactly `expected`.
func expectSessionError<T>(
    _ expected: SessionError, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws(SessionError) -> T
) async {
    await expectSessionError("\(expected)", sourceLocation: sourceLocation, body) { $0 == expected }
}

/// Expects `body` to throw `.invalidValue` for `field`.
func expectInvalidValue<T>(
    field: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws(SessionError) -> T
) async {
    await expectSessionError("invalid \(field)", sourceLocation: sourceLocation, body) { error in
        if case .invalidValue(field, _) = error { true } else { false }
    }
}
