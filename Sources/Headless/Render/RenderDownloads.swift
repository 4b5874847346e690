import Foundation
import RenderTypes

/// What one render does with the page's downloads (`capture.downloads`). Without it downloads are
/// refused and only reported. With it they are saved into a directory of the render's own, made
/// before the page can download and removed when the render ends however it ends, and the bytes of
/// those that finished come back in the result, all together at most `max_bytes`.
struct RenderDownloads: Sendable {
    let capture: DownloadCapture?
    /// The render's download directory (only when keeping downloads).
    let directory: String?

    /// How the page's downloads are handled.
    var mode: DownloadLog.Mode {
        guard let capture, let directory else { return .deny }
        return .keep(directory: directory, maxBytes: capture.maxBytes)
    }

    /// Makes the render's download directory when `capture` asks for downloads, inside `parent` (nil:
    /// the system's temporary directory), readable by this user only.
    static func prepare(_ capture: DownloadCapture?, in parent: String?) throws(RenderError) -> RenderDownloads {
        guard let capture else { return RenderDownloads(capture: nil, directory: nil) }
        let base = parent.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let path = base.appendingPathComponent("tidepool-downloads-\(UUID().uuidString)").path
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .internalError("cannot make a download directory: \(error)")
        }
        return RenderDownloads(capture: capture, directory: path)
    }

    /// Removes the download directory and everything in it.
    func remove() {
        guard let directory else { return }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The result's entries for `downloads`: refused ones as `denied`; kept ones that completed with their
    /// bytes (read from the directory) while they fit the budget, else `too_large`.
    func entries(_ downloads: [DownloadLog.Download]) -> [DownloadEntry] {
        var left = capture?.maxBytes ?? 0
        return downloads.map { download in
            var entry = DownloadEntry(
                url: download.url, suggestedFilename: download.suggestedFilename, state: .denied,
                bytes: download.totalBytes > 0 ? download.totalBytes : nil
            )
            // Refused downloads are denied whatever their last event said (Chromium cancels them at once).
            guard directory != nil else { return entry }
            switch download.state {
            case .inProgress: entry.state = .inProgress
            case .tooLarge: entry.state = .tooLarge
            case .canceled: entry.state = .canceled
            case .completed:
                switch read(download.guid, atMost: left) {
                case .bytes(let data):
                    left -= data.count
                    entry.state = .completed
                    entry.bytes = data.count
                    entry.data = data.base64EncodedString()
                case .tooLarge: entry.state = .tooLarge
                case .missing: entry.state = .canceled
                }
            }
            return entry
        }
    }

    private enum FileRead {
        case bytes(Data)
        case tooLarge
        case missing
    }

    /// The file of download `guid` (Chromium names it by its guid), read only up to `limit` bytes.
    private func read(_ guid: String, atMost limit: Int) -> FileRead {
        guard let directory, !guid.contains("/"), let file = FileHandle(forReadingAtPath: directory + "/" + guid) else {
            return .missing
        }
        defer { try? file.close() }
        guard let data = try? file.read(upToCount: limit + 1) ?? Data() else { return .missing }
        return data.count <= limit ? .bytes(data) : .tooLarge
    }
}
