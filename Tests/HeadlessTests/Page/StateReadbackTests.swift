@testable import Headless
import RenderTypes
import Synchronization
import Testing

/// Reading a context's cookies and localStorage back, against a fake page that answers the cookie jar
/// only once the localStorage read has started: the reads must be in flight together.
@Suite struct StateReadbackTests {
    /// How long a read may take. A reader that asks one question at a time never finishes (the fake
    /// answers only pairs), so this only bounds the wrong case; it is long because a loaded machine
    /// (the suite's own parallel tests) slowed the right one past 2 s.
    static let patience = Duration.seconds(20)

    @Test func cookiesAndLocalStorageAreReadAtTheSameTime() async throws {
        let state = try await FakePage.with(timeout: Self.patience, browser: Self.browserAnsweringCookiesAfterStorage()) { page in
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

    @Test func localStorageOfSeveralOriginsIsReadAtOnceAfterEnableAndFrameTreeAtOnce() async throws {
        let contents = try await FakePage.with(timeout: Self.patience, browser: Self.browserAnsweringInPairs()) { page in
            try await page.localStorage()
        }
        #expect(contents == ["http://a.test": ["origin": "http://a.test"], "http://b.test": ["origin": "http://b.test"]])
    }

    /// A page with frames on http://a.test and http://b.test that answers only in pairs: `DOMStorage.enable`
    /// once the frame tree was asked for too, and one origin's items once the other's were asked for too.
    /// A reader that waits for each answer before the next question times out.
    static func browserAnsweringInPairs() -> @Sendable (JSONValue) -> [FakePage.Reply] {
        let held = Mutex<[String: FakePage.Reply]>([:])
        return { message in
            guard let id = message["id"]?.intValue, let method = message["method"]?.stringValue else { return [] }
            let result: JSONValue
            let pair: (mine: String, other: String)?
            switch method {
            case "DOMStorage.enable":
                (result, pair) = ([:], ("enable", "tree"))
            case "Page.getFrameTree":
                result = ["frameTree": [
                    "frame": ["id": "T", "loaderId": "L", "url": "http://a.test/", "securityOrigin": "http://a.test"],
                    "childFrames": [["frame": [
                        "id": "F", "parentId": "T", "loaderId": "L2", "url": "http://b.test/", "securityOrigin": "http://b.test",
                    ]]],
                ]]
                pair = ("tree", "enable")
            case "DOMStorage.getDOMStorageItems":
                let origin = message["params"]?["storageId"]?["securityOrigin"]?.stringValue ?? ""
                result = ["entries": [["origin", .string(origin)]]]
                pair = origin == "http://a.test" ? ("a", "b") : ("b", "a")
            default:
                (result, pair) = ([:], nil)
            }
            guard let pair else { return [(id, result)] }
            return held.withLock { held in
                guard let other = held.removeValue(forKey: pair.other) else {
                    held[pair.mine] = (id, result)
                    return []
                }
                return [other, (id, result)]
            }
        }
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
