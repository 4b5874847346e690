import Foundation
import SessionContext
import SessionContextPostgres
import SessionContextSQLite
import Testing
import TestSupport

/// The backends every contract test runs against.
enum BackendKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// Runs `body` with a fresh backend of `kind`, then closes it and removes its files (or database).
func withBackend<T>(_ kind: BackendKind, _ body: (AnySessionBackend) async throws -> T) async throws -> T {
    switch kind {
    case .memory:
        return try await closing(AnySessionBackend(InMemorySessionBackend(shardCount: 8)), body)
    case .sqlite:
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try await closing(AnySessionBackend(try await SQLiteSessionBackend.open(path: directory.databasePath)), body)
    case .postgres:
        return try await TestPostgres.withDatabase { url in
            try await closing(AnySessionBackend(try await TestPostgres.backend(url: url)), body)
        }
    }
}

/// Runs `body` with `backend`, then closes it, whether `body` threw or not.
private func closing<T>(_ backend: AnySessionBackend, _ body: (AnySessionBackend) async throws -> T) async throws -> T {
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
