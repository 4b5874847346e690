import RenderTypes

extension Page {
    /// The context's cookies and, with `withLocalStorage`, the localStorage of every origin with a frame
    /// in the page (see `localStorage(origins:timeout:)`), read at the same time: the jar is the browser's
    /// `Storage` domain and localStorage the page's `DOMStorage`, so neither waits for the other. A
    /// failure of the cookie read is thrown first.
    func readState(withLocalStorage: Bool, timeout: Duration? = nil) async throws(PageError)
        -> (cookies: [Cookie], localStorage: LocalStorageContents?)
    {
        async let storage = withLocalStorage
            ? settled { () async throws(PageError) in try await self.localStorage(timeout: timeout) } : nil
        let cookies = await settled { () async throws(PageError) in try await self.cookies.all(timeout: timeout) }
        let stored = await storage
        return (try cookies.get(), try stored?.get())
    }
}

/// `body`'s value or its failure, for page calls that run side by side and are judged afterwards.
func settled<T>(_ body: () async throws(PageError) -> T) async -> Result<T, PageError> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}
