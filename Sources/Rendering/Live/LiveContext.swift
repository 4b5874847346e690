import Headless

/// What a live view shows its session in: a context of the pool (the session's keep_warm context, or
/// a fresh one with the session's state restored) or, for a session with a profile, a page of the
/// profile's own browser in its default context, which the profile's directory backs (its state is
/// there, as for the session's renders).
enum LiveContext: Sendable {
    case pool(HeldLease)
    /// A page of profile `name`'s browser (acquired from `ProfileBrowsers` for the view's life);
    /// `contextId`: the default context's id as `Target.*` events name it.
    case profile(page: CDPSession, name: String, contextId: String)

    /// The session's page: the view's first tab.
    var page: CDPSession {
        switch self {
        case .pool(let held): held.page
        case .profile(let page, _, _): page
        }
    }

    /// The context's id in `Target.*` events (windows the view's pages open are in it).
    var targetContextId: String {
        switch self {
        case .pool(let held): held.browserContextId
        case .profile(_, _, let contextId): contextId
        }
    }

    /// The context cookies are read from and set in (nil: the browser's default context).
    var cookieContextId: String? {
        switch self {
        case .pool(let held): held.browserContextId
        case .profile: nil
        }
    }

    /// The pool's context, when the view has one.
    var held: HeldLease? {
        if case .pool(let held) = self { held } else { nil }
    }
}
