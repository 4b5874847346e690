/// A block of addresses in CIDR form (`10.0.0.0/8`, `fc00::/7`): what an operator allows and what
/// the policy denies.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// The network `address`/`prefixLength` (the host bits of `address` are cleared).
    public init?(_ address: IPAddress, prefixLength: Int) {
        let bits = address.bytes.count * 8
        guard (0...bits).contains(prefixLength) else { return nil }
        self.address = Self.masked(address, prefixLength)
        self.prefixLength = prefixLength
    }

    /// Parses `a.b.c.d/n`, `x::/n`, or a bare address (a network of one).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : address.bytes.count * 8
        guard let length, parts.count == 1 || parts[1].allSatisfy(\.isNumber) else { return nil }
        self.init(address, prefixLength: length)
    }

    /// Whether `other` lies in this network (an IPv4 network never holds an IPv6 address: map first).
    public func contains(_ other: IPAddress) -> Bool {
        switch (address, other) {
        case (.v4, .v4), (.v6, .v6): return Self.masked(other, prefixLength) == address
        default: return false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ address: IPAddress, _ length: Int) -> IPAddress {
        switch address {
        case .v4(let value):
            let mask: UInt32 = length == 0 ? 0 : ~0 << (32 - length)
            return .v4(value & mask)
        case .v6(let high, let low):
            let highMask: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~0 << (64 - length))
            let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~0 << (128 - length))
            return .v6(high & highMask, low & lowMask)
        }
    }
}
