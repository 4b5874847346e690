import Testing
@testable import RenderTypes

@Test func placeholder() {}
