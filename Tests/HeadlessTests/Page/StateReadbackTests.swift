@testable import Headless
import RenderTypes
import Synchronization
import Testing

/// Reading a context's cookies and localStorage back, against a fake page that answers the cookie jar
/// only once the localStorage read has started: the reads must be in flight together.
@Suite struct StateReadbackTests {
    @Test func cookiesAndLocalStorageAreReadAtTheSameTime() async throws {
        let state = try await FakePage.with(timeout: .seconds(2), browser: Self.browserAnsweringCookiesAfterStorage()) { page in
            try await page.readState(withLocalStorage: true)
        }
        #expect(state.cookies.map(\.name) == ["sid"])
        #expect(state.localStorage == ["http://a.test": ["k": "v"]])
    }

    @Test func withoutLocalStorageOnlyTheCookiesAreRead() async throws {
        let methods = Recorder<String>()
        let state = try await FakePage.with { message in
            methods.append(message["method"]?.stringValue ?? "")
            return [(message["id"]?.intValue ?? -1, Self.result(of: message))]
        } _: { page in
            try await page.readState(withLocalStorage: false)
        }
        #expect(state.cookies.map(\.name) == ["sid"])
        #expect(state.localStorage == nil)
        #expect(methods.all == ["Storage.getCookies"])
    }

    /// Answers every command at once, except `Storage.getCookies`, held until a `DOMStorage` command
    /// was sent (a reader that waits for the cookies before asking for localStorage times out).
    static func browserAnsweringCookiesAfterStorage() -> @Sendable (JSONValue) -> [FakePage.Reply] {
        let held = Mutex<(cookies: FakePage.Reply?, storageAsked: Bool)>((nil, false))
        return { message in
            guard let id = message["id"]?.intValue, let method = message["method"]?.stringValue else { return [] }
            let reply = (id: id, result: result(of: message))
            return held.withLock { h in
                if method == "Storage.getCookies" {
                    guard h.storageAsked else {
                        h.cookies = reply
                        return []
                    }
                    return [reply]
                }
                guard method.hasPrefix("DOMStorage."), !h.storageAsked else { return [reply] }
                h.storageAsked = true
                return [reply] + (h.cookies.map { [$0] } ?? [])
            }
        }
    }

    /// The fake browser's answer: one cookie, one frame on http://a.test whose storage holds k=v.
    static func result(of message: JSONValue) -> JSONValue {
        switch message["method"]?.stringValue {
        case "Storage.getCookies":
            ["cookies": [[
                "name": "sid", "value": "1", "domain": "a.test", "path": "/", "expires": -1,
                "httpOnly": false, "secure": false, "session": true,
            ]]]
        case "Page.getFrameTree":
            ["frameTree": ["frame": ["id": "T", "loaderId": "L", "url": "http://a.test/", "securityOrigin": "http://a.test"]]]
        case "DOMStorage.getDOMStorageItems": ["entries": [["k", "v"]]]
        default: [:]
        }
    }
}
