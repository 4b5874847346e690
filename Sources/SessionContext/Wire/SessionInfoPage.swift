/// One page of `session.list`: sessions in id order and the cursor of the next page, if any.
public struct SessionInfoPage: Sendable, Hashable, Codable {
    public var sessions: [SessionInfo]
    /// Pass as `cursor` to get the next page; nil on the last page.
    public var nextCursor: String?

    public init(sessions: [SessionInfo], nextCursor: String?) {
        self.sessions = sessions
        self.nextCursor = nextCursor
    }

    /// The wire form of a page of sessions.
    public init(_ page: SessionPage) {
        self.init(sessions: page.sessions.map(SessionInfo.init), nextCursor: page.nextCursor)
    }

    enum CodingKeys: String, CodingKey {
        case sessions
        case nextCursor = "next_cursor"
    }
}
