package import SessionContext
package import Testing

/// Expects `body` to throw a `SessionError` that `matches` accepts (`wanted` describes it).
package func expectSessionError<T>(
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
package func expectSessionError<T>(
    _ expected: SessionError, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws(SessionError) -> T
) async {
    await expectSessionError("\(expected)", sourceLocation: sourceLocation, body) { $0 == expected }
}

/// Expects `body` to throw `.invalidValue` for `field`.
package func expectInvalidValue<T>(
    field: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws(SessionError) -> T
) async {
    await expectSessionError("invalid \(field)", sourceLocation: sourceLocation, body) { error in
        if case .invalidValue(field, _) = error { true } else { false }
    }
}
