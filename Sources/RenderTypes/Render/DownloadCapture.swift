/// Asks a render for the bytes of the files the page downloads (`capture.downloads`). Without it,
/// downloads are refused and only reported. Wire form: `{"max_bytes": 5242880}`.
public struct DownloadCapture: Sendable, Hashable {
    /// The most bytes of downloads one render keeps, all its downloads together (at most
    /// `RenderLimits.maxDownloadBytes`); a download that would go over is stopped and reported
    /// `too_large`.
    public var maxBytes: Int

    public static let defaultMaxBytes = 5 * 1024 * 1024

    public init(maxBytes: Int = DownloadCapture.defaultMaxBytes) {
        self.maxBytes = maxBytes
    }
}

extension DownloadCapture: Codable {
    enum CodingKeys: String, CodingKey {
        case maxBytes = "max_bytes"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxBytes = try c.decodeIfPresent(Int.self, forKey: .maxBytes, in: 1...RenderLimits.maxDownloadBytes)
            ?? Self.defaultMaxBytes
    }
}
