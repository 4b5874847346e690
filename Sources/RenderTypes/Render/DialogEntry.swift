/// One JavaScript dialog the page opened during a render, and how it was answered (`dialogs` of the
/// result). Wire form:
/// `{"type": "prompt", "message": "Your name?", "url": "https://…", "handled": "accepted", "prompt_text": "Ada"}`.
public struct DialogEntry: Sendable, Hashable, Codable {
    /// The kind of dialog, as the page opened it.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case alert
        case confirm
        case prompt
        case beforeunload
    }

    /// What the dialog was answered.
    public enum Answer: String, Sendable, Hashable, Codable, CaseIterable {
        /// OK (confirm → true, prompt → `prompt_text`; beforeunload: the page was left).
        case accepted
        /// Cancel (confirm → false, prompt → null).
        case dismissed
    }

    /// alert, confirm, prompt or beforeunload.
    public var type: Kind
    /// The dialog's text, cut at `DialogEntry.maxMessageLength` characters (with "…").
    public var message: String
    /// The URL of the frame that opened it.
    public var url: String
    /// How it was answered.
    public var handled: Answer
    /// The text a prompt received when it was accepted; absent otherwise.
    public var promptText: String?

    /// Longest message kept; a longer one is cut (a page can pass megabytes to `alert`).
    public static let maxMessageLength = 2_000

    public init(type: Kind, message: String, url: String, handled: Answer, promptText: String? = nil) {
        self.type = type
        self.message = message.count > Self.maxMessageLength ? String(message.prefix(Self.maxMessageLength)) + "…" : message
        self.url = url
        self.handled = handled
        self.promptText = promptText
    }

    enum CodingKeys: String, CodingKey {
        case type, message, url, handled
        case promptText = "prompt_text"
    }
}
