import Testing
@testable import RpcServer

@Test func placeholder() {}
