/// Which addresses a render's browser may connect to. By default nothing that belongs to the
/// machine's own networks: loopback, private (RFC 1918, RFC 4193), link-local, CGNAT, multicast,
/// unspecified, reserved and documentation ranges, and the cloud metadata addresses (which those
/// ranges hold) — so a rendering service reachable by other services is not a way into its own
/// network. Operators widen it with `allowed` networks (`--allow-network`) or, on a laptop,
/// `allowPrivateNetworks`.
public struct EgressPolicy: Sendable, Hashable {
    /// Networks connected to even though a denied range holds them (checked first).
    public var allowed: [IPNetwork]
    /// Allow every range below but multicast and unspecified (a developer's machine).
    public var allowPrivateNetworks: Bool

    /// The default policy: every denied range denied.
    public init(allowed: [IPNetwork] = [], allowPrivateNetworks: Bool = false) {
        self.allowed = allowed
        self.allowPrivateNetworks = allowPrivateNetworks
    }

    /// A policy allowing every address (no protection: for code paths that must opt out explicitly).
    public static let unrestricted = EgressPolicy(allowed: [IPNetwork("0.0.0.0/0")!, IPNetwork("::/0")!])

    /// Why `address` may not be connected to, or nil when it may.
    public func refusal(for address: IPAddress) -> String? {
        // Traffic for an IPv4 address carried in IPv6 goes to that IPv4 address: judge that one.
        let target = address.embeddedV4 ?? address
        if allowed.contains(where: { $0.contains(target) || $0.contains(address) }) { return nil }
        for range in Self.denied where range.network.contains(target) {
            if allowPrivateNetworks, range.privateNetwork { return nil }
            return "\(target) is \(range.reason) (\(range.network)); the egress policy refuses it"
        }
        return nil
    }

    /// Parses a comma-separated list of networks (`127.0.0.0/8,10.1.2.3`); throws naming the bad entry.
    public static func networks(_ text: String) throws(EgressPolicyError) -> [IPNetwork] {
        try text.split(separator: ",").map { entry throws(EgressPolicyError) in
            let trimmed = entry.filter { !$0.isWhitespace }
            guard let network = IPNetwork(trimmed) else { throw .notANetwork(trimmed) }
            return network
        }
    }

    /// One denied range: what it is, and whether `allowPrivateNetworks` lets it through.
    struct DeniedRange: Sendable {
        let network: IPNetwork
        let reason: String
        let privateNetwork: Bool
    }

    /// IANA's special-purpose ranges that lead into the machine's own or private networks, or nowhere.
    static let denied: [DeniedRange] = [
        ("0.0.0.0/8", "the unspecified network", false),
        ("127.0.0.0/8", "loopback", true),
        ("10.0.0.0/8", "a private network (RFC 1918)", true),
        ("172.16.0.0/12", "a private network (RFC 1918)", true),
        ("192.168.0.0/16", "a private network (RFC 1918)", true),
        ("169.254.0.0/16", "link-local (cloud metadata lives here)", true),
        ("100.64.0.0/10", "shared address space (CGNAT)", true),
        ("192.0.0.0/24", "IETF protocol assignments", true),
        ("192.0.2.0/24", "documentation (TEST-NET-1)", false),
        ("198.18.0.0/15", "benchmarking", true),
        ("198.51.100.0/24", "documentation (TEST-NET-2)", false),
        ("203.0.113.0/24", "documentation (TEST-NET-3)", false),
        ("224.0.0.0/4", "multicast", false),
        ("240.0.0.0/4", "reserved", false),
        ("::/128", "the unspecified address", false),
        ("::1/128", "loopback", true),
        ("fc00::/7", "a unique local network (RFC 4193; metadata fd00:ec2::254 lives here)", true),
        ("fe80::/10", "link-local", true),
        ("ff00::/8", "multicast", false),
        ("2001:db8::/32", "documentation", false),
        ("100::/64", "discard-only", false),
    ].map { DeniedRange(network: IPNetwork($0.0)!, reason: $0.1, privateNetwork: $0.2) }
}

/// A network list an operator wrote wrongly.
public enum EgressPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    case notANetwork(String)

    public var description: String {
        switch self {
        case .notANetwork(let text): "\"\(text)\" is not a network: write a.b.c.d/n, an IPv6 prefix, or one address"
        }
    }
}
