public import RenderTypes
import Synchronization

extension Page {
    /// Sets the viewport (CSS pixels, scale, mobile with touch) and optionally the screen size pages see.
    public func setViewport(_ viewport: Viewport, screen: (width: Int, height: Int)? = nil, timeout: Duration? = nil)
        async throws(PageError)
    {
        try await send(
            CDP.Emulation.SetDeviceMetricsOverride(
                width: viewport.width, height: viewport.height, deviceScaleFactor: viewport.deviceScaleFactor,
                mobile: viewport.isMobile, screenWidth: screen?.width, screenHeight: screen?.height
            ),
            timeout: timeout
        )
        if viewport.isMobile {
            try await send(CDP.Emulation.SetTouchEmulationEnabled(enabled: true, maxTouchPoints: 5), timeout: timeout)
        }
    }

    /// Turns the page's own JavaScript on or off (the driver's evaluations keep working; waits then poll).
    public func setJavaScriptEnabled(_ enabled: Bool, timeout: Duration? = nil) async throws(PageError) {
        try await send(CDP.Emulation.SetScriptExecutionDisabled(value: !enabled), timeout: timeout)
        mutable.withLock { $0.javascriptEnabled = enabled }
    }

    /// Overrides the user agent (header and `navigator`), optionally with Accept-Language,
    /// `navigator.platform` and client hints (`navigator.userAgentData`, `Sec-CH-UA`).
    public func setUserAgent(
        _ userAgent: String, acceptLanguage: String? = nil, platform: String? = nil,
        metadata: CDP.Emulation.UserAgentMetadata? = nil, timeout: Duration? = nil
    ) async throws(PageError) {
        try await send(
            CDP.Emulation.SetUserAgentOverride(
                userAgent: userAgent, acceptLanguage: acceptLanguage, platform: platform, userAgentMetadata: metadata
            ),
            timeout: timeout
        )
    }

    /// Extra HTTP headers sent with every request of the page (needs the Network domain, which this enables).
    public func setExtraHeaders(_ headers: [String: String], timeout: Duration? = nil) async throws(PageError) {
        try await send(CDP.Network.SetExtraHTTPHeaders(headers: headers), timeout: timeout)
    }

    /// Runs `source` in every new document of the page before the document's own scripts; returns an id
    /// for `removeInitScript`.
    @discardableResult
    public func addInitScript(_ source: String, timeout: Duration? = nil) async throws(PageError) -> String {
        let identifier = try await send(CDP.Page.AddScriptToEvaluateOnNewDocument(source: source), timeout: timeout).identifier
        mutable.withLock { $0.initScripts.append(identifier) }
        return identifier
    }

    /// Stops running an init script in new documents.
    public func removeInitScript(_ identifier: String, timeout: Duration? = nil) async throws(PageError) {
        try await send(CDP.Page.RemoveScriptToEvaluateOnNewDocument(identifier: identifier), timeout: timeout)
    }
}
