/// One page of `RpcSessionStore.listSessions`: sessions in id order and the cursor of the next page.
public struct SessionPage: Sendable, Hashable {
    public var sessions: [RpcSessionContext]
    /// Pass as `cursor` to get the next page; nil on the last page.
    public var nextCursor: String?

    public init(sessions: [RpcSessionContext], nextCursor: String?) {
        self.sessions = sessions
        self.nextCursor = nextCursor
    }
}
