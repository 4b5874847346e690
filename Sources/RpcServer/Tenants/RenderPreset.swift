import Headless
public import RenderTypes
import SessionContext

/// A tenant's named render defaults (the seeds' per-platform configuration), from the tenants file:
///
/// ```json
/// "presets": {"shop": {"config": {"block_resources": ["image"], "proxy": {…}}, "stealth": {"preset": "high"},
///                      "session_ttl_secs": 600}}
/// ```
///
/// A render naming it (`"preset": "shop"`) gets the preset's `config` and `stealth` members under
/// its own: each member the caller gives wins, whole (`applied(to:)`); `session_ttl_secs` is the
/// lifetime of a session the render creates. Checked when the file is read: `config` and `stealth`
/// must decode as a render's own would, and pass the renderer's checks.
public struct RenderPreset: Sendable, Hashable {
    /// `[A-Za-z0-9_-]{1,64}`.
    public static let namePattern = "^[A-Za-z0-9_-]{1,64}$"

    /// The preset's `config` members (a `DynamicConfig`'s fields).
    public var config: [String: JSONValue]
    /// The preset's `stealth` members (a `StealthConfig`'s fields).
    public var stealth: [String: JSONValue]
    /// The lifetime of a session a render with this preset creates; nil: the server's default.
    public var sessionTTLSeconds: Int?

    public init(config: [String: JSONValue] = [:], stealth: [String: JSONValue] = [:], sessionTTLSeconds: Int? = nil) {
        self.config = config
        self.stealth = stealth
        self.sessionTTLSeconds = sessionTTLSeconds
    }

    /// Whether `name` may name a preset.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    /// The render params `params` (an object of named params) with this preset under them: for
    /// `config` and `stealth`, the preset's members, then every member the caller gave on top, whole —
    /// a nested object (`viewport`, `proxy`, `headers`, `capture`) or array (`block_resources`,
    /// `actions`) of the caller replaces the preset's, never merged into it; a caller's `null` removes
    /// the preset's member. A caller's `config`/`stealth` that is not an object is left for the
    /// decoder to refuse.
    public func applied(to params: [String: JSONValue]) -> [String: JSONValue] {
        var merged = params
        for (key, defaults) in [("config", config), ("stealth", stealth)] where !defaults.isEmpty {
            var fields = defaults
            switch params[key] {
            case nil, .null?:
                break
            case .object(let given)?:
                fields.merge(given) { _, caller in caller }
            case .some:
                continue
            }
            merged[key] = .object(fields)
        }
        return merged
    }

    /// Reads the preset `value` of the tenants file; throws `FieldError` whose field is relative to
    /// the preset (`config.wait_for`, `session_ttl_secs`).
    static func parse(_ value: JSONValue) throws(FieldError) -> RenderPreset {
        guard case .object(let fields) = value else {
            throw FieldError(field: "", kind: .typeMismatch(expected: "object", found: value.kindName))
        }
        let known = ["config", "stealth", "session_ttl_secs"]
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw FieldError(field: unknown, kind: .invalidValue("unknown field (a preset has config, stealth, session_ttl_secs)"))
        }
        var preset = RenderPreset()
        for key in ["config", "stealth"] {
            guard let member = fields[key] else { continue }
            guard case .object(let object) = member else {
                throw FieldError(field: key, kind: .typeMismatch(expected: "object", found: member.kindName))
            }
            if key == "config" { preset.config = object } else { preset.stealth = object }
        }
        if let ttl = fields["session_ttl_secs"] {
            guard case .int(let seconds) = ttl else {
                throw FieldError(field: "session_ttl_secs", kind: .typeMismatch(expected: "integer", found: ttl.kindName))
            }
            guard (1...SessionLimits.absoluteMaxTTLSeconds).contains(seconds) else {
                throw FieldError(
                    field: "session_ttl_secs", kind: .invalidValue("must be 1...\(SessionLimits.absoluteMaxTTLSeconds) seconds"))
            }
            preset.sessionTTLSeconds = seconds
        }
        // As a render's own config and stealth: decoded strictly, then the renderer's own checks.
        var probe: [String: JSONValue] = ["url": "about:blank"]
        if !preset.config.isEmpty { probe["config"] = .object(preset.config) }
        if !preset.stealth.isEmpty { probe["stealth"] = .object(preset.stealth) }
        let params = try RenderParams.decode(params: .object(probe))
        do {
            _ = try Renderer.preflight(
                RenderRequest(url: params.url, config: params.config ?? DynamicConfig(), stealth: params.stealth ?? .default))
        } catch {
            switch error {
            case .invalidConfig(let field, let reason):
                throw FieldError(field: field, kind: .invalidValue(reason))
            case .urlNotAllowed(let url, let reason):
                throw FieldError(field: "config.actions", kind: .invalidValue("\(url): \(reason)"))
            default:
                throw FieldError(field: "", kind: .invalidValue("\(error)"))
            }
        }
        return preset
    }
}
