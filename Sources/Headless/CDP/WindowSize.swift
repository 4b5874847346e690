import RenderTypes

/// The size of a page target's window in CSS pixels (`Target.createTarget` width/height).
public struct WindowSize: Sendable, Hashable {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// The default render viewport's size (1920×1080): a render with the default viewport then changes
    /// no size (see `BrowserPoolConfig.windowSize` for what that buys).
    public static let defaultViewport = WindowSize(width: Viewport.default.width, height: Viewport.default.height)
}
