public import RenderTypes

/// A `ContextProvider` on one browser connection with no queue: every call creates a context (with its
/// own proxy if asked) and a page, and disposes the context afterwards. For tests, tools and single-
/// browser use; the server uses the `BrowserPool`.
public struct DirectContextProvider: ContextProvider {
    public let connection: CDPConnection
    public let browserUserAgent: String?
    /// Window size of the pages it opens (nil: the browser's `--window-size`).
    public let windowSize: WindowSize?

    public init(connection: CDPConnection, browserUserAgent: String? = nil, windowSize: WindowSize? = nil) {
        self.connection = connection
        self.browserUserAgent = browserUserAgent
        self.windowSize = windowSize
    }

    public func withContext<T: Sendable>(
        priority: RenderPriority, deadline: ContinuousClock.Instant, proxy: ProxyConfig?,
        _ body: (LeasedContext) async throws -> T
    ) async throws -> T {
        let timeout = max(.milliseconds(1), deadline - .now)
        let contextId: String
        do {
            contextId = try await connection.send(
                CDP.Target.CreateBrowserContext(proxyServer: proxy?.server, proxyBypassList: proxy?.bypass),
                sessionId: nil, timeout: timeout
            ).browserContextId
        } catch {
            throw Self.providerError(error)
        }
        do {
            let session = try await connection.openPage(in: contextId, windowSize: windowSize, timeout: timeout)
            let result = try await body(
                LeasedContext(page: session, browserContextId: contextId, browserUserAgent: browserUserAgent)
            )
            await dispose(contextId)
            return result
        } catch let error as CDPError {
            await dispose(contextId)
            throw Self.providerError(error)
        } catch {
            await dispose(contextId)
            throw error
        }
    }

    /// Disposes even when the calling task was cancelled (a context must never outlive its call).
    private func dispose(_ contextId: String) async {
        let connection = self.connection
        await withoutCancellation {
            _ = try? await connection.send(
                CDP.Target.DisposeBrowserContext(browserContextId: contextId), sessionId: nil, timeout: .seconds(5)
            )
        }
    }

    private static func providerError(_ error: CDPError) -> ContextProviderError {
        switch error {
        case .browserClosed(let reason), .targetClosed(_, let reason): .browserCrashed(reason)
        case .timeout(_, let afterMs): .queueTimeout(waitedMs: afterMs)
        default: .unavailable("\(error)")
        }
    }
}
