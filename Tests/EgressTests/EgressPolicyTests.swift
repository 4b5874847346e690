import Egress
import Testing

/// What the egress policy lets a browser connect to: addresses parsed without the network, the
/// denied ranges, and the operator's exceptions.
@Suite struct EgressPolicyTests {
    @Test func literalAddressesParseAndPrintCanonically() {
        #expect(IPAddress("127.0.0.1") == .v4(0x7F00_0001))
        #expect(IPAddress("::1")?.description == "::1")
        #expect(IPAddress("[2001:db8::8:800:200c:417a]")?.description == "2001:db8::8:800:200c:417a")
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80::1")
        #expect(IPAddress("::ffff:10.0.0.1")?.embeddedV4 == IPAddress("10.0.0.1"))
        #expect(IPAddress("64:ff9b::a00:1")?.embeddedV4 == IPAddress("10.0.0.1"))
        for bad in ["1.2.3", "1.2.3.256", "01.2.3.4", "1.2.3.4.5", "::1::", "1:2:3:4:5:6:7:8:9", "example.com", "", "1.2.3.-4", "g::1"] {
            #expect(IPAddress(bad) == nil, "\(bad) is not an address")
        }
    }

    @Test func networksHoldTheirAddressesOnly() throws {
        let network = try #require(IPNetwork("172.16.0.0/12"))
        #expect(network.contains(try #require(IPAddress("172.31.255.255"))))
        #expect(!network.contains(try #require(IPAddress("172.32.0.0"))))
        #expect(!network.contains(try #require(IPAddress("::ffff:172.16.0.1"))), "map an IPv6 address before asking")
        #expect(IPNetwork("10.1.2.3")?.description == "10.1.2.3/32")
        #expect(IPNetwork("fc00::/7")?.contains(try #require(IPAddress("fd00:ec2::254"))) == true)
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("10.0.0.0/x") == nil)
    }

    @Test(arguments: [
        ("127.0.0.1", "loopback"), ("127.8.9.10", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "RFC 1918"), ("172.20.0.1", "RFC 1918"), ("192.168.1.1", "RFC 1918"),
        ("169.254.169.254", "link-local"), ("fd00:ec2::254", "RFC 4193"), ("100.100.100.200", "CGNAT"),
        ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
        ("fe80::1", "link-local"), ("64:ff9b::a00:1", "RFC 1918"), ("255.255.255.255", "reserved"),
    ])
    func theDefaultPolicyRefusesTheMachinesOwnNetworks(address: String, kind: String) throws {
        let reason = EgressPolicy().refusal(for: try #require(IPAddress(address)))
        #expect(reason?.contains(kind) == true, "\(address): \(reason ?? "allowed")")
    }

    @Test func publicAddressesAreAllowed() throws {
        for address in ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            #expect(EgressPolicy().refusal(for: try #require(IPAddress(address))) == nil, "\(address)")
        }
    }

    @Test func anAllowedNetworkOpensOnlyItself() throws {
        let policy = EgressPolicy(allowed: try EgressPolicy.networks("127.0.0.1/32, 10.9.0.0/16"))
        #expect(policy.refusal(for: try #require(IPAddress("127.0.0.1"))) == nil)
        #expect(policy.refusal(for: try #require(IPAddress("::ffff:127.0.0.1"))) == nil)
        #expect(policy.refusal(for: try #require(IPAddress("127.0.0.2"))) != nil)
        #expect(policy.refusal(for: try #require(IPAddress("10.9.200.1"))) == nil)
        #expect(policy.refusal(for: try #require(IPAddress("10.10.0.1"))) != nil)
    }

    @Test func privateNetworksCanBeAllowedButNeverMulticastOrUnspecified() throws {
        let laptop = EgressPolicy(allowPrivateNetworks: true)
        for address in ["127.0.0.1", "10.0.0.1", "192.168.0.10", "::1", "fd12::1"] {
            #expect(laptop.refusal(for: try #require(IPAddress(address))) == nil, "\(address)")
        }
        for address in ["224.0.0.1", "0.0.0.0", "ff02::1"] {
            #expect(laptop.refusal(for: try #require(IPAddress(address))) != nil, "\(address)")
        }
    }

    @Test func aBadNetworkListNamesTheBadEntry() {
        #expect(throws: EgressPolicyError.notANetwork("10.0.0.0/40")) { try EgressPolicy.networks("127.0.0.0/8,10.0.0.0/40") }
    }
}
