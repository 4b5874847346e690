import Rendering
import RenderTypes
import Testing

/// What a viewer's page may send: well-formed messages become inputs, anything else is dropped.
@Suite struct LiveInputTests {
    @Test func wellFormedMessages() {
        #expect(
            LiveInput(["t": "mouse", "type": "mousePressed", "x": 10, "y": 20.5, "w": 400, "h": 300, "button": "left", "buttons": 1, "clickCount": 1])
                == .mouse(type: "mousePressed", x: 10, y: 20.5, width: 400, height: 300, button: "left", buttons: 1, clickCount: 1, modifiers: 0))
        #expect(
            LiveInput(["t": "wheel", "x": 1, "y": 2, "w": 3, "h": 4, "dy": 120])
                == .wheel(x: 1, y: 2, width: 3, height: 4, deltaX: 0, deltaY: 120, modifiers: 0))
        #expect(
            LiveInput(["t": "key", "type": "keyDown", "key": "Enter", "code": "Enter", "keyCode": 13, "modifiers": 2])
                == .key(type: "keyDown", key: "Enter", code: "Enter", keyCode: 13, modifiers: 2))
        #expect(LiveInput(["t": "text", "text": "Grüße 東京"]) == .text("Grüße 東京"))
        #expect(LiveInput(["t": "navigate", "url": "http://127.0.0.1/"]) == .navigate("http://127.0.0.1/"))
        #expect(LiveInput(["t": "done"]) == .done)
        #expect(LiveInput(["t": "back"]) == .back)
    }

    @Test func malformedMessagesAreDropped() {
        let bad: [JSONValue] = [
            [:], ["t": "teleport"], ["t": "mouse", "type": "mousePressed", "x": 1, "y": 1, "w": 1],
            ["t": "mouse", "type": "mouseDragged", "x": 1, "y": 1, "w": 1, "h": 1],
            ["t": "mouse", "type": "mouseMoved", "x": 1, "y": 1, "w": 1, "h": 1, "button": "thumb"],
            ["t": "key", "type": "keyPress", "key": "a"], ["t": "key", "type": "keyDown", "key": ""],
            ["t": "text", "text": ""], ["t": "text"], ["t": "navigate"], "done",
        ]
        for message in bad { #expect(LiveInput(message) == nil, "\(message)") }
    }

    @Test func figuresAreBounded() {
        #expect(
            LiveInput(["t": "mouse", "type": "mousePressed", "x": 1, "y": 1, "w": 1, "h": 1, "clickCount": 99, "modifiers": 255])
                == .mouse(type: "mousePressed", x: 1, y: 1, width: 1, height: 1, button: "none", buttons: 0, clickCount: 3, modifiers: 15))
        #expect(
            LiveInput(["t": "wheel", "x": 1, "y": 1, "w": 1, "h": 1, "dx": -1e9, "dy": 1e9])
                == .wheel(x: 1, y: 1, width: 1, height: 1, deltaX: -10_000, deltaY: 10_000, modifiers: 0))
    }
}
