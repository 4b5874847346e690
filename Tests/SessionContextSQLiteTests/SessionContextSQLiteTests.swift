import Testing
@testable import SessionContextSQLite

@Test func placeholder() {}
