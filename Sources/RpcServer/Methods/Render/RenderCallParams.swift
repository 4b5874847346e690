import RenderTypes

/// The params of `render` as the method takes them: SPEC's `RenderParams` (decoded strictly, on their
/// own) and `preset`, the name of one of the caller's tenant's `RenderPreset`s. The caller's named
/// params are kept as sent, so the preset can be put under them before the final decode.
struct RenderCallParams: RpcParams {
    /// The caller's params alone.
    var render: RenderParams
    /// The preset named, if any.
    var preset: String?
    /// The caller's params as an object, without `preset`.
    var named: [String: JSONValue]

    static let parameters = RenderParams.parameters + [
        RpcParameter(
            "preset", .string(pattern: RenderPreset.namePattern),
            summary: "One of the tenant's presets (tenants file): its config, stealth and session ttl under the call's own."
        )
    ]

    static func decode(params: JSONValue?) throws(FieldError) -> RenderCallParams {
        guard case .object(var named) = try namedParams(params) else {
            throw FieldError(field: "", kind: .typeMismatch(expected: "object", found: params?.kindName ?? "nothing"))
        }
        var preset: String?
        switch named.removeValue(forKey: "preset") {
        case nil, .null?:
            break
        case .string(let name)?:
            guard RenderPreset.isValidName(name) else {
                throw FieldError(field: "preset", kind: .invalidValue("a preset name is \(RenderPreset.namePattern)"))
            }
            preset = name
        case .some(let other):
            throw FieldError(field: "preset", kind: .typeMismatch(expected: "string", found: other.kindName))
        }
        let render = try RenderParams.decode(params: .object(named))
        return RenderCallParams(render: render, preset: preset, named: named)
    }

    init(render: RenderParams, preset: String?, named: [String: JSONValue]) {
        self.render = render
        self.preset = preset
        self.named = named
    }

    init(from decoder: any Decoder) throws {
        self = try Self.decode(params: try JSONValue(from: decoder))
    }
}
