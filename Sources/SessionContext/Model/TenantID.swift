/// Who a session belongs to: a tenant id from the server's tenants file, `[A-Za-z0-9_-]{1,64}`, or
/// `default` (every caller without a tenants file, and every session written before tenants existed).
///
/// The id becomes part of a file name (a tenant's profiles directory) and of counter names, hence the
/// narrow alphabet: no `.`, `/` or `:`.
public struct TenantID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id's text.
    public let rawValue: String

    /// The tenant of callers without a tenants file, and of sessions stored before tenants existed.
    public static let `default` = TenantID(unchecked: "default")
    /// Longest accepted id, in bytes.
    public static let maxLength = 64

    /// Validates `text`; throws `SessionError.invalidValue` for `tenant` naming what is wrong.
    public init(validating text: String) throws(SessionError) {
        if let reason = Self.invalidReason(text) { throw .invalidValue(field: "tenant", reason: reason) }
        rawValue = text
    }

    /// `text` as a tenant id; nil when it is not a valid one.
    public init?(_ text: String) {
        guard Self.invalidReason(text) == nil else { return nil }
        rawValue = text
    }

    private init(unchecked text: String) {
        rawValue = text
    }

    public var description: String { rawValue }

    /// Whether this is the `default` tenant.
    public var isDefault: Bool { rawValue == Self.default.rawValue }

    /// Why `text` is not a valid tenant id, or nil when it is.
    public static func invalidReason(_ text: String) -> String? {
        let bytes = text.utf8
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > maxLength { return "must be at most \(maxLength) characters" }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                continue
            default:
                return "may only contain A-Z, a-z, 0-9, '_' and '-'"
            }
        }
        return nil
    }

    public static func < (lhs: TenantID, rhs: TenantID) -> Bool {
        lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}
