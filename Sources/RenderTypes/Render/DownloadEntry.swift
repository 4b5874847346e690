/// One download the page started during a render (`downloads` of the result). Downloads never reach
/// the server's disk beyond the render: without `capture.downloads` they are refused and only
/// reported; with it their bytes come back here (bounded by its `max_bytes`). Wire form:
/// `{"url": "https://…/report.pdf", "suggested_filename": "report.pdf", "state": "completed", "bytes": 5120, "data": "JVBERi0…"}`.
public struct DownloadEntry: Sendable, Hashable, Codable {
    /// How the download ended for this render.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Refused (the caller did not ask for downloads): nothing was written anywhere.
        case denied
        /// Downloaded whole; `data` holds the bytes.
        case completed
        /// Stopped because it did not fit `capture.downloads.max_bytes`: no `data`.
        case tooLarge = "too_large"
        /// Cancelled by the page or failed on the network: no `data`.
        case canceled
        /// Still running when the render ended (deadline): no `data`.
        case inProgress = "in_progress"
    }

    public var url: String
    /// The file name the server or the page suggested.
    public var suggestedFilename: String
    public var state: State
    /// Size in bytes: the bytes received for a completed download, else the size the server announced;
    /// absent when unknown.
    public var bytes: Int?
    /// Base64 of the file, for a `completed` download when the caller asked for downloads.
    public var data: String?

    public init(url: String, suggestedFilename: String, state: State, bytes: Int? = nil, data: String? = nil) {
        self.url = url
        self.suggestedFilename = suggestedFilename
        self.state = state
        self.bytes = bytes
        self.data = data
    }

    enum CodingKeys: String, CodingKey {
        case url, state, bytes, data
        case suggestedFilename = "suggested_filename"
    }
}
