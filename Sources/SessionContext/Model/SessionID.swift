/// A validated session id: a caller-given `[A-Za-z0-9_.-]{1,128}` or a generated `ses_` + 128 random
/// bits in lowercase hex.
///
/// Generated ids (and caller-given ids of exactly that shape) are kept as two integers, not as a
/// 36-byte heap string: they hash and compare in a few instructions and cost no allocation, which
/// matters for a store holding 100k sessions. The representation is canonical (a string of the
/// generated shape always parses to `.generated`), so equality and hashing agree with the text.
///
/// An id belongs to a tenant (`tenant`, `default` unless said otherwise): two tenants' sessions of the
/// same text are different ids, so everything keyed by `SessionID` — the store, the per-session
/// locks, warm contexts, leases — keeps tenants apart without knowing of them. The tenant is never
/// part of the text: `rawValue`, `description` and the Codable form are the id as the caller sent it.
public struct SessionID: Sendable, Hashable {
    @usableFromInline
    enum Storage: Sendable, Hashable {
        case generated(UInt64, UInt64)
        case custom(String)
    }

    @usableFromInline
    let storage: Storage

    /// The tenant the session belongs to.
    public let tenant: TenantID

    /// Longest accepted id, in bytes.
    public static let maxLength = 128
    /// Prefix of generated ids.
    public static let generatedPrefix = "ses_"

    /// Validates `text` as an id of `tenant`; throws `SessionError.invalidId` naming what is wrong.
    public init(validating text: String, tenant: TenantID = .default) throws(SessionError) {
        if let reason = Self.invalidReason(text) {
            throw .invalidId(text, reason: reason)
        }
        storage = Self.parseGenerated(text).map { .generated($0.0, $0.1) } ?? .custom(text)
        self.tenant = tenant
    }

    /// A new random id of `tenant`, `ses_` followed by 32 lowercase hex digits (128 random bits).
    public static func generate(tenant: TenantID = .default) -> SessionID {
        var rng = SystemRandomNumberGenerator()
        return SessionID(storage: .generated(rng.next(), rng.next()), tenant: tenant)
    }

    init(storage: Storage, tenant: TenantID) {
        self.storage = storage
        self.tenant = tenant
    }

    /// The same id text in `tenant`.
    public func inTenant(_ tenant: TenantID) -> SessionID {
        SessionID(storage: storage, tenant: tenant)
    }

    /// The id's text, exactly as it was given or generated.
    public var rawValue: String {
        switch storage {
        case .custom(let text): text
        case .generated(let high, let low): Self.generatedPrefix + Self.hex(high) + Self.hex(low)
        }
    }

    /// A well-mixed integer that picks the id's shard; cheap for generated ids (their bits are random).
    @inlinable
    var shardHash: Int {
        switch storage {
        case .generated(let high, let low): Int(truncatingIfNeeded: ((high ^ low) &* 0x9E37_79B9_7F4A_7C15) >> 32)
        case .custom(let text): text.hashValue
        }
    }

    /// Why `text` is not a valid id, or nil when it is.
    public static func invalidReason(_ text: String) -> String? {
        let bytes = text.utf8
        if bytes.isEmpty { return "must not be empty" }
        if bytes.count > maxLength { return "must be at most \(maxLength) characters" }
        for byte in bytes where !isAllowed(byte) {
            return "may only contain A-Z, a-z, 0-9, '_', '.' and '-'"
        }
        return nil
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// The two halves of a `ses_` + 32 lowercase hex id, or nil for any other shape.
    private static func parseGenerated(_ text: String) -> (UInt64, UInt64)? {
        var utf8 = text.utf8[...]
        guard utf8.count == 36, utf8.starts(with: generatedPrefix.utf8) else { return nil }
        utf8 = utf8.dropFirst(4)
        guard let high = parseHex(utf8.prefix(16)), let low = parseHex(utf8.dropFirst(16)) else { return nil }
        return (high, low)
    }

    private static func parseHex(_ digits: Substring.UTF8View) -> UInt64? {
        var value: UInt64 = 0
        for byte in digits {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            default: return nil  // uppercase hex stays a custom id, so the text round-trips exactly
            }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension SessionID: CustomStringConvertible, LosslessStringConvertible {
    public var description: String { rawValue }

    /// Parses `description` as an id of the `default` tenant; nil when it is not a valid id.
    public init?(_ description: String) {
        guard let id = try? SessionID(validating: description) else { return nil }
        self = id
    }
}

extension SessionID: ExpressibleByStringLiteral {
    /// A literal id; traps when the literal is not a valid id (a programming error).
    public init(stringLiteral value: String) {
        do {
            try self.init(validating: value)
        } catch {
            preconditionFailure("invalid session id literal \"\(value)\": \(error)")
        }
    }
}

extension SessionID: Comparable {
    /// Tenant first, then byte order of the text, the order listings use (a listing shows one
    /// tenant). Generated ids compare as numbers, which is the same order since their hex is
    /// fixed-width and lowercase.
    public static func < (lhs: SessionID, rhs: SessionID) -> Bool {
        if lhs.tenant != rhs.tenant { return lhs.tenant < rhs.tenant }
        if case .generated(let lh, let ll) = lhs.storage, case .generated(let rh, let rl) = rhs.storage {
            return (lh, ll) < (rh, rl)
        }
        return lhs.rawValue.utf8.lexicographicallyPrecedes(rhs.rawValue.utf8)
    }
}

/// The wire form: the text alone, decoded as an id of the `default` tenant (the server puts a call's
/// ids in the caller's tenant with `inTenant`).
extension SessionID: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.reason)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
