extension CDP.Input {
    /// `Input.dispatchMouseEvent`: a real (trusted) mouse event at viewport coordinates.
    public struct DispatchMouseEvent: CDPCommand {
        public static let method = "Input.dispatchMouseEvent"
        public typealias Response = CDPEmptyResponse
        /// `mousePressed`, `mouseReleased`, `mouseMoved` or `mouseWheel`.
        public var type: String
        public var x: Double
        public var y: Double
        public var modifiers: Int?
        public var button: String?
        public var buttons: Int?
        public var clickCount: Int?
        public var deltaX: Double?
        public var deltaY: Double?
        public init(
            type: String, x: Double, y: Double, modifiers: Int? = nil, button: String? = nil, buttons: Int? = nil,
            clickCount: Int? = nil, deltaX: Double? = nil, deltaY: Double? = nil
        ) {
            self.type = type
            self.x = x
            self.y = y
            self.modifiers = modifiers
            self.button = button
            self.buttons = buttons
            self.clickCount = clickCount
            self.deltaX = deltaX
            self.deltaY = deltaY
        }
    }

    /// `Input.dispatchKeyEvent`: a real (trusted) keyboard event to the focused element.
    public struct DispatchKeyEvent: CDPCommand {
        public static let method = "Input.dispatchKeyEvent"
        public typealias Response = CDPEmptyResponse
        /// `keyDown`, `keyUp`, `rawKeyDown` or `char`.
        public var type: String
        public var modifiers: Int?
        public var text: String?
        public var unmodifiedText: String?
        public var key: String?
        public var code: String?
        public var windowsVirtualKeyCode: Int?
        public var nativeVirtualKeyCode: Int?
        public var location: Int?
        public init(
            type: String, modifiers: Int? = nil, text: String? = nil, unmodifiedText: String? = nil,
            key: String? = nil, code: String? = nil, windowsVirtualKeyCode: Int? = nil,
            nativeVirtualKeyCode: Int? = nil, location: Int? = nil
        ) {
            self.type = type
            self.modifiers = modifiers
            self.text = text
            self.unmodifiedText = unmodifiedText
            self.key = key
            self.code = code
            self.windowsVirtualKeyCode = windowsVirtualKeyCode
            self.nativeVirtualKeyCode = nativeVirtualKeyCode
            self.location = location
        }
    }
}
