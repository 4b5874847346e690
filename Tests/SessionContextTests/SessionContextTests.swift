import Testing
@testable import SessionContext

@Test func placeholder() {}
