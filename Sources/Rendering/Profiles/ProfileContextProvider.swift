import Headless
import RenderTypes

/// Renders in a profile's own browser, in its default context (the one its user-data-dir backs, so
/// what the page stores persists on disk): a fresh page per call, closed afterwards. No queue of its
/// own beyond `ProfileBrowsers`; no proxy (the default context takes none: refused before this).
struct ProfileContextProvider: ContextProvider {
    let browsers: ProfileBrowsers
    let profile: String

    /// A new page in the profile's browser (started if it is not running), which counts as in use
    /// until `browsers.release(profile)`; on failure nothing stays in use. Throws
    /// `ContextProviderError` (or `CancellationError`).
    func openPage(deadline: ContinuousClock.Instant) async throws -> (browser: LaunchedBrowser, page: CDPSession) {
        let browser = try await browsers.acquire(profile, deadline: deadline)
        do throws(CDPError) {
            return (browser, try await browser.connection.openPage(in: nil, timeout: max(.milliseconds(1), deadline - .now)))
        } catch {
            await browsers.release(profile)
            switch error {
            case .browserClosed(let reason), .targetClosed(_, let reason): throw ContextProviderError.browserCrashed(reason)
            case .timeout(_, let afterMs): throw ContextProviderError.queueTimeout(waitedMs: afterMs)
            case .cancelled: throw CancellationError()  // the renderer reports it as cancelled, in its stage
            default: throw ContextProviderError.unavailable("\(error)")
            }
        }
    }

    func withContext<T: Sendable>(
        priority: RenderPriority, deadline: ContinuousClock.Instant, proxy: ProxyConfig?,
        _ body: (LeasedContext) async throws -> T
    ) async throws -> T {
        let started = ContinuousClock.now
        let (browser, page) = try await openPage(deadline: deadline)
        let connection = browser.connection
        let context = LeasedContext(
            page: page, browserContextId: nil, browserUserAgent: browser.version.userAgent,
            acquireDuration: .now - started, egress: browser.egress
        )
        do {
            let result = try await body(context)
            connection.closePageInBackground(page.targetId)
            await browsers.release(profile)
            return result
        } catch {
            connection.closePageInBackground(page.targetId)
            await browsers.release(profile)
            if connection.closeReason != nil, !(error is RenderError) {
                throw ContextProviderError.browserCrashed("the browser of profile \(profile) died")
            }
            throw error
        }
    }
}
