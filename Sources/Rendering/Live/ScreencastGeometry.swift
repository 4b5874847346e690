/// Where the pixels of a screencast frame lie on the session's page (CDP `Page.ScreencastFrameMetadata`):
/// the viewer draws a frame scaled to whatever size it has, and a point it reports as a fraction of
/// that drawing maps back to the page's CSS pixels here, so input lands on the right element for any
/// viewer size and device scale (the viewer reports CSS pixels of its own canvas box, which its
/// `devicePixelRatio` does not change).
public struct ScreencastGeometry: Sendable, Hashable {
    /// The page's screen width and height in DIP, which the frame covers whole.
    public var deviceWidth: Double
    public var deviceHeight: Double
    /// Pinch zoom (1 in headless pages): DIP per CSS pixel.
    public var pageScaleFactor: Double
    /// DIP above the page's viewport in the frame (browser controls; 0 in headless pages).
    public var offsetTop: Double

    public init(deviceWidth: Double, deviceHeight: Double, pageScaleFactor: Double = 1, offsetTop: Double = 0) {
        self.deviceWidth = deviceWidth
        self.deviceHeight = deviceHeight
        self.pageScaleFactor = pageScaleFactor
        self.offsetTop = offsetTop
    }

    /// The geometry a `Page.screencastFrame`'s `metadata` gives; nil when it names no positive size.
    public init?(metadata: [String: Double]) {
        guard let width = metadata["deviceWidth"], let height = metadata["deviceHeight"], width > 0, height > 0 else {
            return nil
        }
        let scale = metadata["pageScaleFactor"] ?? 1
        self.init(
            deviceWidth: width, deviceHeight: height, pageScaleFactor: scale > 0 ? scale : 1, offsetTop: metadata["offsetTop"] ?? 0)
    }

    /// The page's CSS point under (`x`, `y`) of a view `viewWidth` × `viewHeight` that shows the whole
    /// frame stretched to it; nil for a point outside the view or a view of no size. (Pinch-zoom
    /// panning is not accounted for: headless pages are never pinch-zoomed.)
    public func cssPoint(x: Double, y: Double, viewWidth: Double, viewHeight: Double) -> (x: Double, y: Double)? {
        guard viewWidth > 0, viewHeight > 0, x.isFinite, y.isFinite, (0...viewWidth).contains(x), (0...viewHeight).contains(y)
        else { return nil }
        let dipX = x / viewWidth * deviceWidth
        let dipY = y / viewHeight * deviceHeight - offsetTop
        guard dipY >= 0 else { return nil }
        return (dipX / pageScaleFactor, dipY / pageScaleFactor)
    }
}
