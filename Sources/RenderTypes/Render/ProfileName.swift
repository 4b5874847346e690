/// A named on-disk Chromium profile: `[A-Za-z0-9_-]{1,64}` (SPEC `profile`), so a name can never
/// step out of the profiles root.
public enum ProfileName {
    /// Longest accepted name.
    public static let maxLength = 64

    /// Why `name` is refused, or nil when it is a valid profile name.
    public static func invalidReason(_ name: String) -> String? {
        guard !name.isEmpty, name.utf8.count <= maxLength else {
            return "must be 1 to \(maxLength) characters"
        }
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
        return allowed ? nil : "may only contain A-Z, a-z, 0-9, '_' and '-'"
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional profile name, refusing one `ProfileName` does not accept.
    public func decodeProfileNameIfPresent(forKey key: Key) throws -> String? {
        guard let name = try decodeIfPresent(String.self, forKey: key) else { return nil }
        if let reason = ProfileName.invalidReason(name) {
            try require(false, key, reason)
        }
        return name
    }
}
