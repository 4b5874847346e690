import Rendering
import RenderTypes
import Testing

/// A viewer's point (CSS pixels of its canvas box, with the box's size) maps to the session page's
/// CSS pixels, whatever the viewer's size and device scale.
@Suite struct ScreencastGeometryTests {
    static let page = ScreencastGeometry(deviceWidth: 800, deviceHeight: 600)

    @Test func aPointMapsByItsShareOfTheViewAtAnyViewerSize() throws {
        // The same page point (200, 140) drawn 1:1, shrunk, enlarged, and in a box whose size came from
        // a device scale 2 viewer (its CSS box is what it reports, never its device pixels).
        for (width, height) in [(800.0, 600.0), (400.0, 300.0), (1600.0, 1200.0), (533.3333, 400.0)] {
            let point = try #require(Self.page.cssPoint(x: 200 * width / 800, y: 140 * height / 600, viewWidth: width, viewHeight: height))
            #expect(abs(point.x - 200) < 0.01 && abs(point.y - 140) < 0.01, "\(width)×\(height): \(point)")
        }
    }

    @Test func theFramesEdgesAndCorners() throws {
        let origin = try #require(Self.page.cssPoint(x: 0, y: 0, viewWidth: 400, viewHeight: 300))
        #expect(origin.x == 0 && origin.y == 0)
        let corner = try #require(Self.page.cssPoint(x: 400, y: 300, viewWidth: 400, viewHeight: 300))
        #expect(corner.x == 800 && corner.y == 600)
    }

    @Test func pageScaleAndTopOffsetAreTakenOut() throws {
        let zoomed = ScreencastGeometry(deviceWidth: 800, deviceHeight: 600, pageScaleFactor: 2, offsetTop: 50)
        let point = try #require(zoomed.cssPoint(x: 400, y: 300, viewWidth: 800, viewHeight: 600))
        #expect(point.x == 200 && point.y == 125, "(400, 300 − 50) / 2")
        #expect(zoomed.cssPoint(x: 10, y: 20, viewWidth: 800, viewHeight: 600) == nil, "inside the top offset: no page there")
    }

    @Test func outsideTheViewOrAViewOfNoSizeMapsToNothing() {
        #expect(Self.page.cssPoint(x: -1, y: 10, viewWidth: 400, viewHeight: 300) == nil)
        #expect(Self.page.cssPoint(x: 10, y: 301, viewWidth: 400, viewHeight: 300) == nil)
        #expect(Self.page.cssPoint(x: 10, y: 10, viewWidth: 0, viewHeight: 300) == nil)
        #expect(Self.page.cssPoint(x: .nan, y: 10, viewWidth: 400, viewHeight: 300) == nil)
    }

    @Test func theGeometryOfAFramesMetadata() throws {
        let geometry = try #require(
            ScreencastGeometry(metadata: ["deviceWidth": 1280, "deviceHeight": 720, "pageScaleFactor": 1, "offsetTop": 0, "scrollOffsetY": 99]))
        #expect(geometry == ScreencastGeometry(deviceWidth: 1280, deviceHeight: 720))
        #expect(ScreencastGeometry(metadata: ["deviceWidth": 0, "deviceHeight": 720]) == nil)
        #expect(ScreencastGeometry(metadata: ["deviceHeight": 720]) == nil)
        #expect(ScreencastGeometry(metadata: ["deviceWidth": 10, "deviceHeight": 10, "pageScaleFactor": 0])?.pageScaleFactor == 1)
    }
}
