/// How a render answers the page's JavaScript dialogs (`config.dialogs`). Every dialog is answered the
/// moment it opens, so none blocks a wait, an action or the capture.
/// Wire form: `"dismiss"` (the default), `"accept"`, or `{"prompt_text": "Ada"}`.
///
/// `beforeunload` is always answered "leave" (accepted), whatever the policy: dismissing it would
/// cancel the navigation the caller asked for (Playwright does the same).
public enum DialogPolicy: Sendable, Hashable {
    /// alert closed, confirm → false, prompt → null.
    case dismiss
    /// alert closed, confirm → true, prompt → its default value (what a person pressing OK gets).
    case accept
    /// Like `accept`, but every prompt gets this text.
    case promptText(String)

    /// The policy when the config names none.
    public static let `default` = DialogPolicy.dismiss
}

extension DialogPolicy: Codable {
    enum CodingKeys: String, CodingKey {
        case promptText = "prompt_text"
    }

    static let shapes = #"must be "dismiss", "accept" or {"prompt_text": "…"}"#

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            switch name {
            case "dismiss": self = .dismiss
            case "accept": self = .accept
            default: throw DecodingError.dataCorruptedError(in: single, debugDescription: Self.shapes)
            }
            return
        }
        let c: KeyedDecodingContainer<CodingKeys>
        do {
            c = try decoder.container(keyedBy: CodingKeys.self)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: Self.shapes))
        }
        self = .promptText(try c.decode(String.self, forKey: .promptText, length: 0...RenderLimits.maxTextLength))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .dismiss:
            var c = encoder.singleValueContainer()
            try c.encode("dismiss")
        case .accept:
            var c = encoder.singleValueContainer()
            try c.encode("accept")
        case .promptText(let text):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(text, forKey: .promptText)
        }
    }
}
