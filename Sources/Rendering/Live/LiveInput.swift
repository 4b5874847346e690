public import RenderTypes

/// One message a live viewer's page sends (JSON, field `t` names the kind). Points are CSS pixels of
/// the viewer's canvas box with its size (`w`, `h`), mapped to the page by `ScreencastGeometry`.
public enum LiveInput: Sendable, Hashable {
    /// `mousePressed`, `mouseReleased` or `mouseMoved` (CDP `Input.dispatchMouseEvent` types).
    case mouse(type: String, x: Double, y: Double, width: Double, height: Double, button: String, buttons: Int, clickCount: Int, modifiers: Int)
    case wheel(x: Double, y: Double, width: Double, height: Double, deltaX: Double, deltaY: Double, modifiers: Int)
    /// `keyDown` or `keyUp` of a key that types no text by itself (Enter, Backspace, arrows, shortcuts).
    case key(type: String, key: String, code: String, keyCode: Int, modifiers: Int)
    /// Text typed, pasted or composed (`Input.insertText`).
    case text(String)
    case navigate(String)
    case back
    case forward
    /// Show tab `id` of the strip (allowed in view mode too: it changes what the viewer sees, not the session).
    case showTab(String)
    /// Close tab `id` (a window the page opened; never the session's page).
    case closeTab(String)
    /// The viewer is done: the live view ends (in control mode the state is written back).
    case done

    static let mouseTypes: Set<String> = ["mousePressed", "mouseReleased", "mouseMoved"]
    static let buttons: Set<String> = ["none", "left", "middle", "right", "back", "forward"]

    /// The input `message` describes; nil for anything malformed (the viewer's page sends only
    /// well-formed messages, so anything else is dropped).
    public init?(_ message: JSONValue) {
        func number(_ key: String) -> Double? {
            guard let value = message[key]?.doubleValue, value.isFinite else { return nil }
            return value
        }
        let modifiers = min(max(message["modifiers"]?.intValue ?? 0, 0), 15)
        switch message["t"]?.stringValue {
        case "mouse":
            guard let type = message["type"]?.stringValue, Self.mouseTypes.contains(type), let x = number("x"), let y = number("y"),
                let width = number("w"), let height = number("h")
            else { return nil }
            let button = message["button"]?.stringValue ?? "none"
            guard Self.buttons.contains(button) else { return nil }
            self = .mouse(
                type: type, x: x, y: y, width: width, height: height, button: button,
                buttons: min(max(message["buttons"]?.intValue ?? 0, 0), 31),
                clickCount: min(max(message["clickCount"]?.intValue ?? 0, 0), 3), modifiers: modifiers)
        case "wheel":
            guard let x = number("x"), let y = number("y"), let width = number("w"), let height = number("h") else { return nil }
            self = .wheel(
                x: x, y: y, width: width, height: height, deltaX: min(max(number("dx") ?? 0, -10_000), 10_000),
                deltaY: min(max(number("dy") ?? 0, -10_000), 10_000), modifiers: modifiers)
        case "key":
            guard let type = message["type"]?.stringValue, type == "keyDown" || type == "keyUp",
                let key = message["key"]?.stringValue, (1...32).contains(key.utf8.count)
            else { return nil }
            let code = message["code"]?.stringValue ?? ""
            guard code.utf8.count <= 32 else { return nil }
            self = .key(
                type: type, key: key, code: code, keyCode: min(max(message["keyCode"]?.intValue ?? 0, 0), 255), modifiers: modifiers)
        case "text":
            guard let text = message["text"]?.stringValue, !text.isEmpty else { return nil }
            self = .text(text)
        case "navigate":
            guard let url = message["url"]?.stringValue, !url.isEmpty else { return nil }
            self = .navigate(url)
        case "tab", "close_tab":
            guard let id = message["id"]?.stringValue, Self.isTabID(id) else { return nil }
            self = message["t"]?.stringValue == "tab" ? .showTab(id) : .closeTab(id)
        case "back": self = .back
        case "forward": self = .forward
        case "done": self = .done
        default: return nil
        }
    }

    /// Whether `id` can be a tab's id (a CDP target id): 1–64 ASCII letters and digits.
    static func isTabID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }

    /// The text a key types besides its own action (Enter submits a form through it).
    static func text(ofKey key: String) -> String? {
        key == "Enter" ? "\r" : nil
    }
}
