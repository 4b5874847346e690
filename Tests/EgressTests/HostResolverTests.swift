import Egress
import Testing

/// The system resolver reads the addresses getaddrinfo gives, byte for byte.
@Suite struct HostResolverTests {
    @Test func addressLiteralsComeBackAsThemselves() async throws {
        let resolver = SystemHostResolver()
        #expect(try await resolver.resolve("127.0.0.2") == [.v4(0x7F00_0002)])
        #expect(try await resolver.resolve("10.20.30.40") == [.v4(0x0A14_1E28)])
        #expect(try await resolver.resolve("::1") == [.v6(0, 1)])
        #expect(try await resolver.resolve("fd12:3456:789a:1::ff") == [.v6(0xFD12_3456_789A_0001, 0xFF)])
    }

    @Test func localhostIsLoopback() async throws {
        let addresses = try await SystemHostResolver().resolve("localhost")
        #expect(addresses.contains(.v4(0x7F00_0001)), "\(addresses)")
    }
}
