extension CDPConnection {
    /// Opens an `about:blank` page in `browserContextId` (nil: the browser's default context, which a
    /// profile's user-data-dir backs), attaches to it (flattened) and enables the Page domain. When a
    /// step after the target's creation fails, the target is closed in the background. Each command
    /// gets `timeout`. `windowSize` sizes the page's window (nil: the browser's `--window-size`).
    public func openPage(in browserContextId: String?, windowSize: WindowSize? = nil, timeout: Duration)
        async throws(CDPError) -> CDPSession
    {
        let target = try await send(
            CDP.Target.CreateTarget(
                url: "about:blank", browserContextId: browserContextId, width: windowSize?.width, height: windowSize?.height),
            timeout: timeout)
        do throws(CDPError) {
            let page = try await attach(toTarget: target.targetId, timeout: timeout)
            _ = try await page.send(CDP.Page.Enable(), timeout: timeout)
            return page
        } catch {
            closePageInBackground(target.targetId)
            throw error
        }
    }

    /// Closes a page target without waiting (bounded by 5 s; works when the caller was cancelled).
    public func closePageInBackground(_ targetId: String) {
        guard closeReason == nil else { return }
        Task {
            _ = try? await self.send(CDP.Target.CloseTarget(targetId: targetId), timeout: .seconds(5))
        }
    }
}
