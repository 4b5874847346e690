import Crypto
import Foundation

/// API keys of tenants: made from the system's CSPRNG, stored only as their SHA-256.
public enum TenantKey {
    /// Bytes of randomness in a key.
    public static let byteCount = 32

    /// A fresh key: 32 bytes from the system's CSPRNG (`getrandom`), as 64 lowercase hex digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for _ in 0..<(byteCount / 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes += $0 }
        }
        return hex(bytes)
    }

    /// The SHA-256 of `key`'s UTF-8 bytes.
    public static func digest(of key: some Collection<UInt8>) -> [UInt8] {
        Array(SHA256.hash(data: Array(key)))
    }

    /// The hex SHA-256 of `key`, as the tenants file lists it.
    public static func hexDigest(of key: String) -> String {
        hex(digest(of: Array(key.utf8)))
    }

    /// The 32 bytes of a hex digest (either case); nil unless `text` is exactly 64 hex digits.
    public static func digest(hex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var index = 0
        while index < 64 {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
