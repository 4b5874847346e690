/// An IPv4 or IPv6 address as its bytes: what the egress policy judges and what a connection is
/// really made to. Parsed from text (`127.0.0.1`, `::1`, `::ffff:10.0.0.1`, `fe80::1%eth0`) without
/// touching the network.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    /// The address `text` spells, or nil when it is not a literal address (a host name, say). A zone
    /// (`%eth0`) is accepted and dropped; brackets (`[::1]`) are accepted.
    public init?(_ text: some StringProtocol) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        if let v4 = Self.parseV4(text) {
            self = .v4(v4)
        } else if let (high, low) = Self.parseV6(text) {
            self = .v6(high, low)
        } else {
            return nil
        }
    }

    /// The 4 or 16 bytes of the address, most significant first.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value): return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let high, let low):
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    /// The IPv4 address an IPv6 address carries for IPv4 traffic (IPv4-mapped `::ffff:a.b.c.d`,
    /// IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`), which is where a connection really goes.
    public var embeddedV4: IPAddress? {
        guard case .v6(let high, let low) = self else { return nil }
        let v4 = UInt32(truncatingIfNeeded: low)
        if high == 0, low >> 32 == 0xFFFF { return .v4(v4) }
        if high == 0, low >> 32 == 0, v4 > 1 { return .v4(v4) }
        if high == 0x0064_FF9B_0000_0000, low >> 32 == 0 { return .v4(v4) }
        return nil
    }

    public var description: String {
        switch self {
        case .v4:
            return bytes.map(String.init).joined(separator: ".")
        case .v6:
            let bytes = self.bytes
            let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
            // The longest run of two or more zero groups becomes "::" (RFC 5952).
            var best = (start: -1, length: 0)
            var index = 0
            while index < 8 {
                guard groups[index] == 0 else { index += 1; continue }
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > best.length, end - index >= 2 { best = (index, end - index) }
                index = end
            }
            let hex = groups.map { String($0, radix: 16) }
            guard best.start >= 0 else { return hex.joined(separator: ":") }
            let head = hex[..<best.start].joined(separator: ":")
            let tail = hex[(best.start + best.length)...].joined(separator: ":")
            return head + "::" + tail
        }
    }

    // MARK: Parsing

    private static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            // Decimal only, no leading zeros (an `010` is octal to some parsers: refuse the ambiguity).
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
                part.count == 1 || part.first != "0", let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    private static func parseV6(_ text: Substring) -> (UInt64, UInt64)? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        var groups: [UInt16] = []
        var gap: Int?
        let halves = splitAtDoubleColon(text)
        guard halves.count <= 2 else { return nil }
        for (halfIndex, half) in halves.enumerated() {
            if halfIndex == 1 { gap = groups.count }
            guard !half.isEmpty else { continue }
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (pieceIndex, piece) in pieces.enumerated() {
                if pieceIndex == pieces.count - 1, halfIndex == halves.count - 1, piece.contains(".") {
                    guard let v4 = parseV4(piece) else { return nil }
                    groups.append(UInt16(v4 >> 16))
                    groups.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit), let group = UInt16(piece, radix: 16)
                else { return nil }
                groups.append(group)
            }
        }
        if let gap {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }
}

/// `text` cut at each `::`.
private func splitAtDoubleColon(_ text: Substring) -> [Substring] {
    var halves: [Substring] = []
    var start = text.startIndex
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(after: index)
        if text[index] == ":", next < text.endIndex, text[next] == ":" {
            halves.append(text[start..<index])
            start = text.index(after: next)
            index = start
        } else {
            index = next
        }
    }
    halves.append(text[start...])
    return halves
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
