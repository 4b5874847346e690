import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing

extension Chromium {
    @Suite("Page: capture, interception, storage", .serialized)
    struct PageCaptureTests {
        @Test func snapshotReadsMetadataAndTiming() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/static.html")
                let snapshot = try await c.page.snapshot(html: true, metadata: true, timing: true)
                let metadata = try #require(snapshot.metadata)
                #expect(metadata.title == "Tidepool Fixture: Static Page")
                #expect(metadata.description == "A static page whose metadata the renderer extracts.")
                #expect(metadata.canonicalUrl == "https://fixture.tidepool.test/static")
                #expect(metadata.openGraph["title"] == "Static OG Title")
                #expect(metadata.openGraph["type"] == "article")
                #expect(metadata.twitter["card"] == "summary_large_image")
                #expect(metadata.twitter["site"] == "@tidepool")
                #expect(metadata.jsonLd.count == 2)
                #expect(metadata.jsonLd.first?["headline"] == "Static JSON-LD Headline")
                let timing = try #require(snapshot.timing)
                #expect((timing.ttfbMs ?? 0) > 0)
                #expect((timing.loadMs ?? 0) >= (timing.domContentLoadedMs ?? .infinity))
                #expect(snapshot.url == c.url("/static.html"))
            }
        }

        @Test func aParsedSnapshotWaitsForTheDocumentToBeParsed() async throws {
            try await PageHarness.with { c in
                _ = try await c.page.navigate(to: c.url("/parsing.html"))
                try await c.page.waitForSelector("#before", visible: false, timeout: .seconds(10))
                // The parser waits 3 s for the script: a plain snapshot reads half the document …
                let early = try #require(try await c.page.snapshot().html)
                #expect(early.contains("Before the slow script"))
                #expect(!early.contains("After the slow script"))
                // … a parsed one all of it.
                let parsed = try #require(try await c.page.snapshot(parsed: true, timeout: .seconds(10)).html)
                #expect(parsed.contains("After the slow script"))
            }
        }

        @Test func screenshotsArePNGOrJPEGAndFullPageIsTaller() async throws {
            try await PageHarness.with { c in
                try await c.page.setViewport(Viewport(width: 800, height: 600))
                try await PageHarness.load(c, "/scroll.html")
                let png = try #require(Data(base64Encoded: try await c.page.screenshot().base64))
                #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
                let size = try #require(Self.pngSize(png))
                #expect(size.0 == 800 && size.1 == 600)
                let jpeg = try #require(Data(base64Encoded: try await c.page.screenshot(format: .jpeg, quality: 50).base64))
                #expect(jpeg.prefix(3) == Data([0xFF, 0xD8, 0xFF]))
                let full = try #require(Data(base64Encoded: try await c.page.screenshot(fullPage: true).base64))
                #expect((Self.pngSize(full)?.1 ?? 0) > 1000)
            }
        }

        @Test func pdfAndMHTMLCaptureThePage() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/static.html")
                let pdf = try #require(Data(base64Encoded: try await c.page.pdf()))
                #expect(pdf.prefix(5) == Data("%PDF-".utf8))
                let mhtml = try await c.page.mhtml()
                #expect(mhtml.contains("MIME-Version: 1.0"))
                #expect(mhtml.contains("Static fixture page"))
            }
        }

        @Test func consoleCollectsEveryLevelAndExceptions() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/console.html")
                try await c.page.waitForFunction("true", timeout: .seconds(1))
                try await Task.sleep(for: .milliseconds(100))
                let (entries, dropped) = c.page.consoleMessages()
                #expect(dropped == 0)
                let byLevel = Dictionary(entries.map { ($0.level, $0.text) }, uniquingKeysWith: { first, _ in first })
                #expect(byLevel["log"] == "fixture log 42")
                #expect(byLevel["info"] == "fixture info")
                #expect(byLevel["warning"] == "fixture warning")
                #expect(byLevel["debug"] == "fixture debug")
                #expect(entries.contains { $0.level == "error" && $0.text == "fixture error" })
                #expect(entries.contains { $0.level == "error" && $0.text.contains("fixture uncaught exception") })
                #expect(entries.allSatisfy { $0.timestamp > 1_600_000_000_000 })
            }
        }

        @Test func networkLogListsRequestsWithStatusTypeAndSize() async throws {
            try await PageHarness.with { c in
                _ = try await c.page.navigate(to: c.url("/media.html"))
                try await c.page.waitForNetworkIdle(idle: .milliseconds(200), timeout: .seconds(10))
                let (entries, _) = c.page.networkLog()
                let document = try #require(entries.first)
                #expect(document.url == c.url("/media.html"))
                #expect(document.resourceType == "Document")
                #expect(document.status == 200)
                #expect(document.bytes > 0)
                let image = try #require(entries.first { $0.url.hasSuffix("/assets/img/red.png") })
                #expect(image.resourceType == "Image")
                #expect(image.status == 200)
                #expect(entries.contains { $0.resourceType == "Fetch" && $0.url.hasSuffix("/api/ping") })
            }
        }

        @Test func blockingByTypeKeepsRequestsOffTheServer() async throws {
            try await PageHarness.with { c in
                try await c.page.interceptRequests(blockTypes: [.image, .font], blockURLs: [])
                _ = try await c.page.navigate(to: c.url("/media.html"))
                try await c.page.waitForNetworkIdle(idle: .milliseconds(300), timeout: .seconds(10))
                #expect(c.server.counter.count(.image) == 0)
                #expect(c.server.counter.count(.font) == 0)
                #expect(c.server.counter.count(.stylesheet) == 1)
                #expect(c.server.counter.count(.script) == 1)
                #expect(c.server.counter.count(.xhr) == 1)
                let blocked = c.page.networkLog().entries.filter { $0.error == "blocked" }
                #expect(blocked.contains { $0.url.hasSuffix("red.png") })
            }
        }

        @Test func blockingByURLPatternKeepsOnlyMatchingRequestsOff() async throws {
            try await PageHarness.with { c in
                try await c.page.interceptRequests(blockTypes: [], blockURLs: ["*/assets/img/gr*.png", "*/api/ping?x"])
                _ = try await c.page.navigate(to: c.url("/media.html"))
                try await c.page.waitForNetworkIdle(idle: .milliseconds(300), timeout: .seconds(10))
                #expect(c.server.counter.count(path: "/assets/img/green.png") == 0)
                #expect(c.server.counter.count(path: "/assets/img/red.png") == 1)
                #expect(c.server.counter.count(path: "/api/ping") == 1)
            }
        }

        @Test func globMatchesWholeURLWithStars() {
            #expect(RequestBlocking.glob("*.png", matches: "http://a/b/c.png"))
            #expect(!RequestBlocking.glob("*.png", matches: "http://a/b/c.png?x=1"))
            #expect(RequestBlocking.glob("http://*/api/*", matches: "http://h:1/api/ping"))
            #expect(RequestBlocking.glob("*", matches: ""))
            #expect(!RequestBlocking.glob("a*b", matches: "acbd"))
            #expect(RequestBlocking.fetchPattern("*/a?b\\c") == "*/a\\?b\\\\c")
        }

        @Test func cookiesAreSetBeforeNavigationAndReadBackWithHttpOnly() async throws {
            try await PageHarness.with { c in
                try await c.page.cookies.set([
                    Cookie(name: "pref", value: "dark", domain: "127.0.0.1"),
                    Cookie(name: "secret", value: "s3", domain: "127.0.0.1", httpOnly: true),
                ])
                try await PageHarness.load(c, "/cookies")
                let seen = try await c.page.evaluate("JSON.parse(document.getElementById('cookies').textContent)")
                #expect(seen == ["pref": "dark", "secret": "s3"])
                #expect(try await c.page.evaluate("document.cookie") == "pref=dark")
                let jar = try await c.page.cookies.all()
                #expect(jar.first { $0.name == "secret" }?.httpOnly == true)
                #expect(jar.first { $0.name == "secret" }?.expires == nil)
                try await c.page.cookies.clear()
                #expect(try await c.page.cookies.all().isEmpty)
            }
        }

        @Test func loginCookieFromServerIsHttpOnlyInTheJar() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/login.html")
                try await c.page.type("#username", text: "alice")
                try await c.page.type("#password", text: FixtureAccounts.password)
                try await c.page.click("#submit")
                try await c.page.waitForSelector("#welcome", timeout: .seconds(5))
                #expect(try await c.page.evaluate("document.getElementById('user').textContent") == "alice")
                let sid = try #require(try await c.page.cookies.all().first { $0.name == FixtureAccounts.cookieName })
                #expect(sid.httpOnly)
                #expect(sid.domain == "127.0.0.1")
            }
        }

        @Test func localStorageIsReadAfterAndRestoredBeforeNavigation() async throws {
            let saved = try await PageHarness.with { c in
                try await PageHarness.load(c, "/storage/write.html?theme=dark&lang=fr")
                return try await c.page.localStorage()
            }
            let origin = try #require(saved.keys.first)
            #expect(saved[origin] == ["theme": "dark", "lang": "fr"])
            try await PageHarness.with { c in
                // A new server has a new port, so the origin changes: restore under the new origin.
                let contents = [URL(string: c.url("/"))!.origin: saved[origin]!]
                try await c.page.restoreLocalStorage(contents)
                try await PageHarness.load(c, "/storage/read.html")
                let read = try await c.page.evaluate("JSON.parse(document.getElementById('storage').textContent)")
                #expect(read == ["lang": "fr", "theme": "dark"])
                #expect(c.server.counter.count(path: Page.restorePath) == 0)
            }
        }

        /// Width and height from a PNG's IHDR chunk.
        static func pngSize(_ data: Data) -> (Int, Int)? {
            guard data.count >= 24 else { return nil }
            let bytes = [UInt8](data)
            func int(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
            return (int(16), int(20))
        }
    }
}

extension URL {
    /// `scheme://host:port` of the URL.
    var origin: String { "\(scheme ?? "http")://\(host ?? "")\(port.map { ":\($0)" } ?? "")" }
}
