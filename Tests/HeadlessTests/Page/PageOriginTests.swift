@testable import Headless
import Testing

/// `Page.origin(of:)`: the key recycled contexts are shared under — scheme, host and port, defaults left
/// out, case folded; nothing for what has no http(s) origin.
@Suite struct PageOriginTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080/a?b#c", "http://127.0.0.1:8080"),
        ("https://Shop.Example/cart", "https://shop.example"),
        ("http://shop.example:80/", "http://shop.example"),
        ("https://shop.example:443/x", "https://shop.example"),
        ("https://shop.example:8443/x", "https://shop.example:8443"),
        ("http://[::1]:9000/", "http://[::1]:9000"),
    ])
    func anHTTPURLHasItsOrigin(url: String, origin: String) {
        #expect(Page.origin(of: url) == origin)
    }

    @Test(arguments: ["about:blank", "data:text/html,hi", "file:///etc/hosts", "chrome://version", "not a url", ""])
    func otherURLsHaveNone(url: String) {
        #expect(Page.origin(of: url) == nil)
    }
}
