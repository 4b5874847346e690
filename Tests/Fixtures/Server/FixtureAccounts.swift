import Foundation
import Synchronization

/// The login form's users and the sessions it has opened. One fixed password (`hunter2`) for every user name;
/// a successful login gets a random session id, sent as the HttpOnly cookie `sid`.
public final class FixtureAccounts: Sendable {
    /// The password every fixture user logs in with.
    public static let password = "hunter2"
    /// Name of the HttpOnly session cookie the login sets.
    public static let cookieName = "sid"
    /// Bound on open sessions, so a runaway test cannot grow the map forever.
    static let maxSessions = 10_000

    private let sessions = Mutex([String: String]())

    init() {}

    /// Opens a session for `user` when `password` is right; returns its id.
    func login(user: String, password: String) -> String? {
        guard !user.isEmpty, password == Self.password else { return nil }
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        sessions.withLock {
            if $0.count >= Self.maxSessions { $0.removeAll() }
            $0[id] = user
        }
        return id
    }

    /// The user of session `id`, if it is open.
    func user(forSession id: String) -> String? { sessions.withLock { $0[id] } }

    /// Closes session `id`.
    func logout(session id: String) { _ = sessions.withLock { $0.removeValue(forKey: id) } }

    /// How many sessions are open.
    public var openSessions: Int { sessions.withLock { $0.count } }
}
