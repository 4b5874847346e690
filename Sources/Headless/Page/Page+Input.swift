import RenderTypes
import Synchronization

extension Page {
    /// Clicks the centre of the element's box with real mouse events (move, press, release), after
    /// waiting up to `timeout` for it to be visible and scrolling it into view.
    public func click(_ selector: String, timeout: Duration? = nil) async throws(PageError) {
        let (x, y) = try await elementCenter(selector, timeout: timeout)
        try await moveMouse(x: x, y: y, timeout: timeout)
        for type in ["mousePressed", "mouseReleased"] {
            try await send(
                CDP.Input.DispatchMouseEvent(
                    type: type, x: x, y: y, button: "left", buttons: type == "mousePressed" ? 1 : 0, clickCount: 1
                ),
                timeout: timeout
            )
        }
    }

    /// Moves the mouse onto the centre of the element's box (real `mouseMoved`).
    public func hover(_ selector: String, timeout: Duration? = nil) async throws(PageError) {
        let (x, y) = try await elementCenter(selector, timeout: timeout)
        try await moveMouse(x: x, y: y, timeout: timeout)
    }

    /// Focuses the element and types `text` with real key events, one key down and up per character
    /// (characters off the US layout arrive as `char` key events). With `clearFirst` the field's current
    /// text is selected and deleted with Backspace first.
    public func type(_ selector: String, text: String, clearFirst: Bool = false, timeout: Duration? = nil)
        async throws(PageError)
    {
        try await waitForElement(selector, timeout: timeout)
        let focused = try await evaluate(PageScripts.focus(selector, selectAll: clearFirst), timeout: timeout)
        guard focused.boolValue == true else { throw .elementNotFound(selector: selector) }
        if clearFirst, let backspace = KeyDefinition.named("Backspace") {
            try await keyStroke(backspace, modifiers: 0, timeout: timeout)
        }
        for character in text {
            if let key = KeyDefinition.typed(character) {
                try await keyStroke(key, modifiers: 0, timeout: timeout)
            } else {
                try await send(CDP.Input.DispatchKeyEvent(type: "char", text: String(character)), timeout: timeout)
            }
        }
    }

    /// Presses a key, optionally with modifiers: `Enter`, `ArrowDown`, `a`, `Control+a`, `Shift+Tab`.
    /// Throws `invalidArgument` for a key the US layout does not have.
    public func press(_ keys: String, timeout: Duration? = nil) async throws(PageError) {
        let names = Self.splitKeyCombination(keys)
        var definitions: [KeyDefinition] = []
        for name in names {
            guard let definition = KeyDefinition.named(name) else {
                throw .invalidArgument("unknown key \"\(name)\" (use names like Enter, Tab, ArrowDown, a, Control+a)")
            }
            definitions.append(definition)
        }
        guard let main = definitions.last else { throw .invalidArgument("no key given") }
        let modifierKeys = definitions.dropLast()
        guard modifierKeys.allSatisfy({ $0.modifierBit != 0 }) else {
            throw .invalidArgument("in \"\(keys)\" only the last key may be a non-modifier")
        }
        var modifiers = 0
        for modifier in modifierKeys {
            modifiers |= modifier.modifierBit
            try await keyEvent("rawKeyDown", modifier, modifiers: modifiers, timeout: timeout)
        }
        try await keyStroke(main, modifiers: modifiers, timeout: timeout)
        for modifier in modifierKeys.reversed() {
            modifiers &= ~modifier.modifierBit
            try await keyEvent("keyUp", modifier, modifiers: modifiers, timeout: timeout)
        }
    }

    /// Chooses the `<option>` whose value is `value` in a `<select>`, firing input and change.
    public func select(_ selector: String, value: String, timeout: Duration? = nil) async throws(PageError) {
        try await waitForElement(selector, timeout: timeout)
        let outcome = try await evaluate(PageScripts.select(selector, value: value), timeout: timeout).stringValue
        switch outcome {
        case "ok": return
        case "not_found": throw .elementNotFound(selector: selector)
        case "not_select": throw .invalidArgument("\(selector) is not a <select> element")
        default: throw .invalidArgument("\(selector) has no option with value \"\(value)\"")
        }
    }

    // MARK: Helpers

    /// `Control+Shift+a` → [Control, Shift, a]; a lone `+` (or a trailing `++`) is the plus key.
    static func splitKeyCombination(_ keys: String) -> [String] {
        if keys == "+" { return ["+"] }
        var parts = keys.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        if keys.hasSuffix("++") {
            parts.removeLast(2)
            parts.append("+")
        }
        return parts.filter { !$0.isEmpty }
    }

    /// Waits for the element to be visible; on timeout tells apart "absent" from "hidden".
    func waitForElement(_ selector: String, timeout: Duration?) async throws(PageError) {
        do {
            try await waitForSelector(selector, visible: true, timeout: timeout)
        } catch {
            guard case .timeout = error else { throw error }
            let exists = try? await evaluate(PageScripts.selectorCheck(selector, visible: false), timeout: .seconds(2))
            throw exists?.boolValue == true ? .elementNotVisible(selector: selector) : .elementNotFound(selector: selector)
        }
    }

    /// The element's box centre in viewport coordinates, after scrolling it into view.
    func elementCenter(_ selector: String, timeout: Duration?) async throws(PageError) -> (Double, Double) {
        try await waitForElement(selector, timeout: timeout)
        let box = try await evaluate(PageScripts.elementCenter(selector), timeout: timeout)
        guard box["found"]?.boolValue == true else { throw .elementNotFound(selector: selector) }
        guard box["visible"]?.boolValue == true, let x = box["x"]?.doubleValue, let y = box["y"]?.doubleValue else {
            throw .elementNotVisible(selector: selector)
        }
        return (x, y)
    }

    func moveMouse(x: Double, y: Double, timeout: Duration?) async throws(PageError) {
        try await send(CDP.Input.DispatchMouseEvent(type: "mouseMoved", x: x, y: y, buttons: 0), timeout: timeout)
        mutable.withLock { $0.mouse = (x, y) }
    }

    /// Key down then up; the text goes only with the down event, and not while Control, Alt or Meta is held.
    private func keyStroke(_ key: KeyDefinition, modifiers: Int, timeout: Duration?) async throws(PageError) {
        let inserts = key.text != nil && modifiers & ~8 == 0
        try await keyEvent(inserts ? "keyDown" : "rawKeyDown", key, modifiers: modifiers, withText: inserts, timeout: timeout)
        try await keyEvent("keyUp", key, modifiers: modifiers, timeout: timeout)
    }

    private func keyEvent(
        _ type: String, _ key: KeyDefinition, modifiers: Int, withText: Bool = false, timeout: Duration?
    ) async throws(PageError) {
        try await send(
            CDP.Input.DispatchKeyEvent(
                type: type, modifiers: modifiers == 0 ? nil : modifiers, text: withText ? key.text : nil,
                unmodifiedText: withText ? key.text : nil, key: key.key, code: key.code,
                windowsVirtualKeyCode: key.keyCode, nativeVirtualKeyCode: key.keyCode,
                location: key.location == 0 ? nil : key.location
            ),
            timeout: timeout
        )
    }
}
