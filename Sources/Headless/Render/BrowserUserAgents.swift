import Synchronization

/// The user agent each browser connection reports (`Browser.getVersion`), asked once per connection.
/// Bounded: when full it starts over (browsers are recycled, so old entries are dead anyway).
enum BrowserUserAgents {
    private static let cache = Mutex([ObjectIdentifier: String]())
    static let capacity = 64

    static func userAgent(of connection: CDPConnection, timeout: Duration) async throws(PageError) -> String {
        let key = ObjectIdentifier(connection)
        if let known = cache.withLock({ $0[key] }) { return known }
        let version: CDP.Browser.GetVersion.Response
        do {
            version = try await connection.send(CDP.Browser.GetVersion(), sessionId: nil, timeout: timeout)
        } catch {
            throw PageError(error)
        }
        cache.withLock {
            if $0.count >= capacity { $0.removeAll() }
            $0[key] = version.userAgent
        }
        return version.userAgent
    }
}
