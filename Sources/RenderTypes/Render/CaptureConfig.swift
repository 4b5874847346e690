/// What a render hands back besides its status (SPEC `capture`). Absent fields take the defaults below.
public struct CaptureConfig: Sendable, Hashable {
    public enum ImageFormat: String, Sendable, Hashable, Codable, CaseIterable {
        case png
        case jpeg
    }

    /// The page's serialized DOM after waits and actions.
    public var html: Bool
    /// A screenshot of the viewport, or of the whole page with `fullPage`.
    public var screenshot: Bool
    public var fullPage: Bool
    public var format: ImageFormat
    /// JPEG quality 0–100 (only with `format: jpeg`).
    public var quality: Int?
    public var pdf: Bool
    public var mhtml: Bool
    /// Title, description, canonical URL, Open Graph, Twitter card, JSON-LD.
    public var metadata: Bool
    /// Console messages with level and timestamp.
    public var console: Bool
    /// Every request with status, type, size and duration.
    public var network: Bool
    /// Navigation timing: TTFB, DOMContentLoaded, load, first contentful paint.
    public var timing: Bool
    /// The bytes of the page's downloads, bounded; nil refuses downloads (they are still reported).
    public var downloads: DownloadCapture?

    public static let defaultJPEGQuality = 80

    public init(
        html: Bool = true, screenshot: Bool = false, fullPage: Bool = false, format: ImageFormat = .png,
        quality: Int? = nil, pdf: Bool = false, mhtml: Bool = false, metadata: Bool = true,
        console: Bool = false, network: Bool = false, timing: Bool = true, downloads: DownloadCapture? = nil
    ) {
        self.html = html
        self.screenshot = screenshot
        self.fullPage = fullPage
        self.format = format
        self.quality = quality
        self.pdf = pdf
        self.mhtml = mhtml
        self.metadata = metadata
        self.console = console
        self.network = network
        self.timing = timing
        self.downloads = downloads
    }
}

extension CaptureConfig: Codable {
    enum CodingKeys: String, CodingKey {
        case html, screenshot, format, quality, pdf, mhtml, metadata, console, network, timing, downloads
        case fullPage = "full_page"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CaptureConfig()
        html = try c.decodeIfPresent(Bool.self, forKey: .html) ?? defaults.html
        screenshot = try c.decodeIfPresent(Bool.self, forKey: .screenshot) ?? defaults.screenshot
        fullPage = try c.decodeIfPresent(Bool.self, forKey: .fullPage) ?? defaults.fullPage
        format = try c.decodeIfPresent(ImageFormat.self, forKey: .format) ?? defaults.format
        quality = try c.decodeIfPresent(Int.self, forKey: .quality, in: 0...100)
        pdf = try c.decodeIfPresent(Bool.self, forKey: .pdf) ?? defaults.pdf
        mhtml = try c.decodeIfPresent(Bool.self, forKey: .mhtml) ?? defaults.mhtml
        metadata = try c.decodeIfPresent(Bool.self, forKey: .metadata) ?? defaults.metadata
        console = try c.decodeIfPresent(Bool.self, forKey: .console) ?? defaults.console
        network = try c.decodeIfPresent(Bool.self, forKey: .network) ?? defaults.network
        timing = try c.decodeIfPresent(Bool.self, forKey: .timing) ?? defaults.timing
        downloads = try c.decodeIfPresent(DownloadCapture.self, forKey: .downloads)
        if quality != nil { try c.require(format == .jpeg, .quality, "applies only with format: jpeg") }
    }
}
