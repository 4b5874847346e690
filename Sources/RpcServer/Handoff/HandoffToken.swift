import Crypto
import Foundation

/// The secret of a hand-off URL: 32 random bytes, URL-safe; only its SHA-256 is kept, so a token
/// is never stored and a lookup never compares secrets byte by byte.
enum HandoffToken {
    /// A fresh token and its hash.
    static func make() -> (token: String, hash: String) {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return (token, hash(token))
    }

    /// The hex SHA-256 a token is kept as.
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `text` can be a token at all (43 URL-safe base64 characters), checked before hashing.
    static func isWellFormed(_ text: Substring) -> Bool {
        text.utf8.count == 43
            && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }
    }
}
