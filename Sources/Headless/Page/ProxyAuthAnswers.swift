public import Logging

/// Answers a proxy's authentication challenges on one page session with fixed credentials, for a
/// page no `Page` drives (a live view's pages). Chromium takes proxy credentials only through
/// `Fetch.authRequired`, and raises it only for requests Fetch pauses, so every request of the page
/// pauses and is let through at once.
public enum ProxyAuthAnswers {
    /// Enables the interception on `session` and answers its requests and challenges in a task that
    /// ends when the session closes or the task is cancelled (cancel it before anything else
    /// intercepts the session's requests). The subscription is live before interception starts.
    public static func start(
        on session: CDPSession, username: String, password: String, logger: Logger, timeout: Duration
    ) async throws(CDPError) -> Task<Void, Never> {
        let events = session.events(methods: ["Fetch.requestPaused", "Fetch.authRequired"])
        let task = Task {
            for await event in events {
                switch event.method {
                case "Fetch.requestPaused":
                    guard let paused = try? event.decodeParams(as: CDP.Fetch.RequestPaused.self) else { continue }
                    do {
                        _ = try await session.send(CDP.Fetch.ContinueRequest(requestId: paused.requestId), timeout: .seconds(5))
                    } catch {
                        // The page may have cancelled it meanwhile; nothing waits on it.
                        logger.debug("paused request not resumed", metadata: ["url": "\(paused.request.url)", "error": "\(error)"])
                    }
                default:
                    guard let auth = try? event.decodeParams(as: CDP.Fetch.AuthRequired.self) else { continue }
                    do {
                        _ = try await session.send(
                            CDP.Fetch.ContinueWithAuth(
                                requestId: auth.requestId, authChallengeResponse: response(to: auth, username: username, password: password)),
                            timeout: .seconds(5))
                    } catch {
                        logger.debug("auth challenge not answered", metadata: ["origin": "\(auth.authChallenge.origin)", "error": "\(error)"])
                    }
                }
            }
        }
        do {
            _ = try await session.send(CDP.Fetch.Enable(patterns: [CDP.Fetch.RequestPattern(urlPattern: "*")], handleAuthRequests: true), timeout: timeout)
        } catch {
            task.cancel()
            throw error
        }
        return task
    }

    /// The credentials for a proxy's challenge; a server's own challenge (a site asking for a login)
    /// gets Chromium's default answer, never the proxy's credentials.
    static func response(to auth: CDP.Fetch.AuthRequired, username: String, password: String) -> CDP.Fetch.AuthChallengeResponse {
        auth.authChallenge.source == "Proxy"
            ? .init(response: "ProvideCredentials", username: username, password: password) : .init(response: "Default")
    }
}
