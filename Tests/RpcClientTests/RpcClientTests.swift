import Testing
@testable import RpcClient

@Test func placeholder() {}
