public import RenderTypes

// The small result objects of the session and cookie methods (SPEC "Sessions").

/// `{"deleted": bool}`: what `session.delete` and `cookies.delete` answer.
public struct DeletedOutcome: Sendable, Hashable, Codable {
    /// Whether something was there to delete.
    public var deleted: Bool

    public init(deleted: Bool) {
        self.deleted = deleted
    }
}

/// `{"removed": n}`: what `session.cleanup` and `cookies.clear` answer.
public struct RemovedOutcome: Sendable, Hashable, Codable {
    public var removed: Int

    public init(removed: Int) {
        self.removed = removed
    }
}

/// `{"count": n}`: what `cookies.set` answers (the cookies given).
public struct CountOutcome: Sendable, Hashable, Codable {
    public var count: Int

    public init(count: Int) {
        self.count = count
    }
}

/// `{"cookies": [Cookie]}`: what `cookies.get` answers.
public struct CookieList: Sendable, Hashable, Codable {
    public var cookies: [Cookie]

    public init(cookies: [Cookie]) {
        self.cookies = cookies
    }
}
