/// The page's window (SPEC `viewport`).
public struct Viewport: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var deviceScaleFactor: Double
    public var isMobile: Bool

    public init(width: Int = 1920, height: Int = 1080, deviceScaleFactor: Double = 1, isMobile: Bool = false) {
        self.width = width
        self.height = height
        self.deviceScaleFactor = deviceScaleFactor
        self.isMobile = isMobile
    }

    public static let `default` = Viewport()
}

extension Viewport: Codable {
    enum CodingKeys: String, CodingKey {
        case width, height
        case deviceScaleFactor = "device_scale_factor"
        case isMobile = "is_mobile"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let side = 1...RenderLimits.maxViewportSide
        width = try c.decodeIfPresent(Int.self, forKey: .width, in: side) ?? Viewport.default.width
        height = try c.decodeIfPresent(Int.self, forKey: .height, in: side) ?? Viewport.default.height
        deviceScaleFactor = try c.decodeIfPresent(Double.self, forKey: .deviceScaleFactor, in: 0.25...5)
            ?? Viewport.default.deviceScaleFactor
        isMobile = try c.decodeIfPresent(Bool.self, forKey: .isMobile) ?? false
    }
}
