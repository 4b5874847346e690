/// Kinds of subresource a render may block (SPEC `block_resources`), named as on the wire.
public enum ResourceType: String, Sendable, Hashable, Codable, CaseIterable {
    case image
    case media
    case font
    case stylesheet
    case script
    case xhr
    case websocket

    /// The CDP `Network.ResourceType` values this kind covers (`xhr` includes `fetch`).
    public var cdpResourceTypes: [String] {
        switch self {
        case .image: ["Image"]
        case .media: ["Media"]
        case .font: ["Font"]
        case .stylesheet: ["Stylesheet"]
        case .script: ["Script"]
        case .xhr: ["XHR", "Fetch", "EventSource"]
        case .websocket: ["WebSocket"]
        }
    }
}
