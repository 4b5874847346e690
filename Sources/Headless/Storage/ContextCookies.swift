public import RenderTypes

/// The cookie jar of one browser context (all its pages share it): read, set and clear, through the
/// browser-level `Storage` domain so it works before any page has navigated.
public struct ContextCookies: Sendable {
    public let connection: CDPConnection
    /// nil is the browser's default context.
    public let browserContextId: String?

    public init(connection: CDPConnection, browserContextId: String?) {
        self.connection = connection
        self.browserContextId = browserContextId
    }

    /// Every cookie of the context, HttpOnly ones included.
    public func all(timeout: Duration? = nil) async throws(PageError) -> [Cookie] {
        do {
            let reply = try await connection.send(
                CDP.Storage.GetCookies(browserContextId: browserContextId), sessionId: nil, timeout: timeout
            )
            return reply.cookies.map(Cookie.init(cdp:))
        } catch {
            throw PageError(error)
        }
    }

    /// Puts `cookies` into the context (replacing cookies with the same name, domain and path). Throws
    /// `invalidArgument` when Chromium refuses one (it then sets none).
    public func set(_ cookies: [Cookie], timeout: Duration? = nil) async throws(PageError) {
        guard !cookies.isEmpty else { return }
        do {
            _ = try await connection.send(
                CDP.Storage.SetCookies(cookies: cookies.map(\.cdpParam), browserContextId: browserContextId),
                sessionId: nil, timeout: timeout
            )
        } catch {
            if case .protocolError(_, _, let message) = error {
                throw .invalidArgument("Chromium refused the cookies: \(message)")
            }
            throw PageError(error)
        }
    }

    /// Removes every cookie of the context.
    public func clear(timeout: Duration? = nil) async throws(PageError) {
        do {
            _ = try await connection.send(
                CDP.Storage.ClearCookies(browserContextId: browserContextId), sessionId: nil, timeout: timeout
            )
        } catch {
            throw PageError(error)
        }
    }
}

extension Page {
    /// The cookie jar of the page's browser context.
    public var cookies: ContextCookies {
        ContextCookies(connection: session.connection, browserContextId: browserContextId)
    }
}
