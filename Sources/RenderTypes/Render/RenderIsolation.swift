/// The context a render without a session runs in (`config.isolation`, and the result's `context`).
public enum RenderIsolation: String, Sendable, Hashable, Codable, CaseIterable {
    /// A context made for this render, disposed after it.
    case fresh
    /// A context and page kept from an earlier render of the same origin, reset in between
    /// (docs/rendering.md, "Recycled contexts"); as a setting, the default: recycled when one is
    /// idle, else fresh.
    case recycled
}
