import Foundation
import Headless
import RenderTypes
import Synchronization

extension LiveView {
    /// Relays one input of the viewer to the page, in order. Done ends the view in either mode; in
    /// view mode every other input is dropped here, on the server (the page's own controls are
    /// hidden too, but a viewer's script could send anything).
    public func handle(_ input: LiveInput) async {
        if case .done = input {
            end(.done)
            return
        }
        if case .showTab(let id) = input {
            count(relayed: endReason == nil && showTab(id))
            return
        }
        guard mode == .control, endReason == nil else {
            count(relayed: false)
            return
        }
        do {
            count(relayed: try await dispatch(input))
        } catch {
            // A failed input (a page navigating away meanwhile) is lost like a click during a reload.
            count(relayed: false)
        }
    }

    private func count(relayed: Bool) {
        if relayed {
            counters.relayed.add(1, ordering: .relaxed)
        } else {
            counters.dropped.add(1, ordering: .relaxed)
        }
        metrics.input(relayed: relayed)
    }

    /// Sends `input` to the page; false when it maps to nothing (a point outside the frame, before
    /// the first frame, a URL that is not http(s)).
    private func dispatch(_ input: LiveInput) async throws -> Bool {
        let timeout = Duration.seconds(10)
        // The tab shown as the input arrived gets all of it (a back reads and moves the same history).
        let shown = shownPage
        switch input {
        case .mouse(let type, let x, let y, let width, let height, let button, let buttons, let clickCount, let modifiers):
            guard let point = geometry?.cssPoint(x: x, y: y, viewWidth: width, viewHeight: height) else { return false }
            _ = try await shown.send(
                method: "Input.dispatchMouseEvent",
                params: [
                    "type": .string(type), "x": .double(point.x), "y": .double(point.y), "button": .string(button),
                    "buttons": .int(buttons), "clickCount": .int(clickCount), "modifiers": .int(modifiers),
                ], timeout: timeout)
        case .wheel(let x, let y, let width, let height, let deltaX, let deltaY, let modifiers):
            guard let point = geometry?.cssPoint(x: x, y: y, viewWidth: width, viewHeight: height) else { return false }
            _ = try await shown.send(
                method: "Input.dispatchMouseEvent",
                params: [
                    "type": "mouseWheel", "x": .double(point.x), "y": .double(point.y), "deltaX": .double(deltaX),
                    "deltaY": .double(deltaY), "modifiers": .int(modifiers),
                ], timeout: timeout)
        case .key(let type, let key, let code, let keyCode, let modifiers):
            var params: [String: JSONValue] = [
                "key": .string(key), "code": .string(code), "windowsVirtualKeyCode": .int(keyCode),
                "nativeVirtualKeyCode": .int(keyCode), "modifiers": .int(modifiers),
            ]
            if type == "keyUp" {
                params["type"] = "keyUp"
            } else if let text = LiveInput.text(ofKey: key), modifiers == 0 {
                params["type"] = "keyDown"
                params["text"] = .string(text)
                params["unmodifiedText"] = .string(text)
            } else {
                params["type"] = "rawKeyDown"
            }
            _ = try await shown.send(method: "Input.dispatchKeyEvent", params: .object(params), timeout: timeout)
        case .text(let text):
            _ = try await shown.send(method: "Input.insertText", params: ["text": .string(text)], timeout: timeout)
        case .navigate(let url):
            guard Self.isNavigable(url) else { return false }
            _ = try await shown.send(method: "Page.navigate", params: ["url": .string(url)], timeout: timeout)
        case .back, .forward:
            let history = try await shown.send(method: "Page.getNavigationHistory", timeout: timeout)
            guard let current = history["currentIndex"]?.intValue, let entries = history["entries"]?.arrayValue else { return false }
            let target = current + (input == .back ? -1 : 1)
            guard entries.indices.contains(target), let entry = entries[target]["id"]?.intValue else { return false }
            _ = try await shown.send(method: "Page.navigateToHistoryEntry", params: ["entryId": .int(entry)], timeout: timeout)
        case .closeTab(let id):
            guard id != tabs.main.targetId, tabs.contains(id) else { return false }
            _ = try await page.connection.send(CDP.Target.CloseTarget(targetId: id), timeout: timeout)
        case .done, .showTab:
            return false
        }
        return true
    }

    /// Whether the viewer's URL bar may open `url`: http(s) and about:blank only (never file:,
    /// chrome: or javascript: URLs).
    static func isNavigable(_ url: String) -> Bool {
        if url == "about:blank" { return true }
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), let host = parts.host, !host.isEmpty
        else { return false }
        return scheme == "http" || scheme == "https"
    }
}
