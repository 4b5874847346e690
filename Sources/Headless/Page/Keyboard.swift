/// US keyboard definitions for `Input.dispatchKeyEvent`: what `key`, `code`, key code and text a real
/// keyboard would send for a key name (`Enter`, `ArrowDown`, `a`, `A`, `!`) or a typed character.
struct KeyDefinition: Sendable, Hashable {
    var key: String
    var code: String
    var keyCode: Int
    /// Text the key inserts; nil for keys that insert nothing (Tab, arrows, modifiers).
    var text: String?
    /// 1 left, 2 right for modifier keys (DOM `KeyboardEvent.location`).
    var location: Int = 0

    /// Modifier bit of the key (`Alt` 1, `Control` 2, `Meta` 4, `Shift` 8), 0 for others.
    var modifierBit: Int {
        switch key {
        case "Alt": 1
        case "Control": 2
        case "Meta": 4
        case "Shift": 8
        default: 0
        }
    }

    /// The definition of a key name or single character, or nil when the US layout has no such key.
    static func named(_ name: String) -> KeyDefinition? {
        if let special = specialKeys[name] { return special }
        guard name.count == 1, let character = name.first else { return nil }
        return typed(character)
    }

    /// The key a character is typed with, or nil for characters off the US layout (typed as text).
    static func typed(_ c: Character) -> KeyDefinition? {
        if c == "\n" || c == "\r" { return specialKeys["Enter"] }
        if c == " " { return specialKeys["Space"] }
        guard let ascii = c.asciiValue else { return nil }
        let s = String(c)
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"):
            return KeyDefinition(key: s, code: "Key" + s.uppercased(), keyCode: Int(ascii) - 32, text: s)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return KeyDefinition(key: s, code: "Key" + s, keyCode: Int(ascii), text: s)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return KeyDefinition(key: s, code: "Digit" + s, keyCode: Int(ascii), text: s)
        default:
            guard let (code, keyCode) = punctuation[c] else { return nil }
            return KeyDefinition(key: s, code: code, keyCode: keyCode, text: s)
        }
    }

    private static let punctuation: [Character: (String, Int)] = [
        "-": ("Minus", 189), "_": ("Minus", 189), "=": ("Equal", 187), "+": ("Equal", 187),
        "[": ("BracketLeft", 219), "{": ("BracketLeft", 219), "]": ("BracketRight", 221), "}": ("BracketRight", 221),
        "\\": ("Backslash", 220), "|": ("Backslash", 220), ";": ("Semicolon", 186), ":": ("Semicolon", 186),
        "'": ("Quote", 222), "\"": ("Quote", 222), ",": ("Comma", 188), "<": ("Comma", 188),
        ".": ("Period", 190), ">": ("Period", 190), "/": ("Slash", 191), "?": ("Slash", 191),
        "`": ("Backquote", 192), "~": ("Backquote", 192),
        "!": ("Digit1", 49), "@": ("Digit2", 50), "#": ("Digit3", 51), "$": ("Digit4", 52), "%": ("Digit5", 53),
        "^": ("Digit6", 54), "&": ("Digit7", 55), "*": ("Digit8", 56), "(": ("Digit9", 57), ")": ("Digit0", 48),
    ]

    private static let specialKeys: [String: KeyDefinition] = {
        var keys: [String: KeyDefinition] = [
            "Enter": KeyDefinition(key: "Enter", code: "Enter", keyCode: 13, text: "\r"),
            "Tab": KeyDefinition(key: "Tab", code: "Tab", keyCode: 9),
            "Backspace": KeyDefinition(key: "Backspace", code: "Backspace", keyCode: 8),
            "Escape": KeyDefinition(key: "Escape", code: "Escape", keyCode: 27),
            "Delete": KeyDefinition(key: "Delete", code: "Delete", keyCode: 46),
            "Insert": KeyDefinition(key: "Insert", code: "Insert", keyCode: 45),
            "Space": KeyDefinition(key: " ", code: "Space", keyCode: 32, text: " "),
            "ArrowLeft": KeyDefinition(key: "ArrowLeft", code: "ArrowLeft", keyCode: 37),
            "ArrowUp": KeyDefinition(key: "ArrowUp", code: "ArrowUp", keyCode: 38),
            "ArrowRight": KeyDefinition(key: "ArrowRight", code: "ArrowRight", keyCode: 39),
            "ArrowDown": KeyDefinition(key: "ArrowDown", code: "ArrowDown", keyCode: 40),
            "Home": KeyDefinition(key: "Home", code: "Home", keyCode: 36),
            "End": KeyDefinition(key: "End", code: "End", keyCode: 35),
            "PageUp": KeyDefinition(key: "PageUp", code: "PageUp", keyCode: 33),
            "PageDown": KeyDefinition(key: "PageDown", code: "PageDown", keyCode: 34),
            "Shift": KeyDefinition(key: "Shift", code: "ShiftLeft", keyCode: 16, location: 1),
            "Control": KeyDefinition(key: "Control", code: "ControlLeft", keyCode: 17, location: 1),
            "Alt": KeyDefinition(key: "Alt", code: "AltLeft", keyCode: 18, location: 1),
            "Meta": KeyDefinition(key: "Meta", code: "MetaLeft", keyCode: 91, location: 1),
        ]
        for n in 1...12 { keys["F\(n)"] = KeyDefinition(key: "F\(n)", code: "F\(n)", keyCode: 111 + n) }
        keys["Esc"] = keys["Escape"]
        keys["Return"] = keys["Enter"]
        keys["Ctrl"] = keys["Control"]
        return keys
    }()
}
