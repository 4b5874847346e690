import Foundation
@testable import Headless
import RenderTypes
import Synchronization
import Testing
import TestSupport

/// The checks of a recycled page's gate (`RecycleGate`) on a fake page: which outcomes let the
/// document on and which send the render to a fresh context. What Chromium does with the gate is
/// `RecycleGateTests` (RpcServerTests), on the real browser; these play the cases a real page cannot
/// be made to produce on demand (a cookie on the document's request, a document from the cache,
/// storage left after the clears).
@Suite struct RecycleGateCheckTests {
    /// What the fake browser answers: `usage` bytes of IndexedDB left after the clears.
    struct Browser: Sendable {
        var indexedDBUsage = 0

        func replies(_ message: JSONValue) -> [FakePage.Reply] {
            guard let id = message["id"]?.intValue else { return [] }
            switch message["method"]?.stringValue {
            case "Page.addScriptToEvaluateOnNewDocument": return [(id, ["identifier": "7"])]
            case "Storage.getCookies": return [(id, ["cookies": []])]
            case "Storage.getUsageAndQuota":
                return [(id, ["usage": .int(indexedDBUsage), "quota": 1_000_000, "usageBreakdown": [
                    ["storageType": "indexeddb", "usage": .int(indexedDBUsage)], ["storageType": "cache_storage", "usage": 0],
                ]])]
            default: return [(id, [:])]
            }
        }
    }

    /// How the document's request went out, as the events tell.
    struct Request {
        var cookiesSent = 0
        var fromDiskCache = false
        /// The document the gate's request comes from (the navigation's, unless another raced it).
        var gateLoader = RecycleGateCheckTests.loader
    }

    static let loader = "L1"

    /// Settles a fake page for recycling, runs a gated navigation whose events say `request`, and
    /// returns the gate's verdict and the methods sent, in order.
    static func gated(_ request: Request, browser: Browser = Browser(), nonce: String? = nil)
        async throws -> (failure: RecycleGateFailure?, sent: [String])
    {
        let sent = Mutex<[String]>([])
        return try await FakePage.withTransport(browser: { message in
            if let method = message["method"]?.stringValue { sent.withLock { $0.append(method) } }
            return browser.replies(message)
        }) { page, transport in
            let gate = try await page.settleForRecycling(
                origin: "http://a.test", clearing: ["http://a.test", "http://b.test"], initScripts: [], timeout: .seconds(5))
            page.beginGate(gate)
            try await page.armGate(timeout: .seconds(5))
            let cookies: [JSONValue] = (0..<request.cookiesSent).map { _ in
                ["blockedReasons": [], "cookie": ["name": "left", "value": "1"]]
            }
            transport.emit(
                "Network.requestWillBeSentExtraInfo",
                params: ["requestId": .string(loader), "associatedCookies": .array(cookies), "headers": [:]], sessionId: "S")
            transport.emit(
                "Network.responseReceived",
                params: [
                    "requestId": .string(loader), "loaderId": .string(loader), "timestamp": 1, "type": "Document", "frameId": "T",
                    "response": ["url": "http://a.test/next", "status": 200, "fromDiskCache": .bool(request.fromDiskCache)],
                ], sessionId: "S")
            transport.emit(
                "Fetch.requestPaused",
                params: [
                    "requestId": "interception-1", "frameId": "T", "resourceType": "Document", "responseStatusCode": 200,
                    "request": ["url": "http://a.test/next", "method": "GET", "headers": [:]],
                ], sessionId: "S")
            transport.emit(
                "Page.frameNavigated", params: ["frame": ["id": "T", "loaderId": .string(loader), "url": "http://a.test/next"]],
                sessionId: "S")
            let path = PageMonitor.gatePath + "?" + (nonce ?? gate.nonce)
            let gateRequest: JSONValue = ["url": .string("http://a.test" + path), "method": "GET", "headers": [:]]
            transport.emit(
                "Network.requestWillBeSent",
                params: [
                    "requestId": "net-2", "loaderId": .string(request.gateLoader), "timestamp": 1.5, "type": "XHR",
                    "frameId": "T", "request": gateRequest,
                ], sessionId: "S")
            transport.emit(
                "Fetch.requestPaused",
                params: [
                    "requestId": "interception-2", "networkId": "net-2", "frameId": "T", "resourceType": "XHR",
                    "request": gateRequest,
                ], sessionId: "S")
            if nonce != nil {
                // Not held at the gate, the document is parsed.
                transport.emit(
                    "Page.lifecycleEvent",
                    params: ["frameId": "T", "loaderId": .string(loader), "name": "DOMContentLoaded", "timestamp": 2],
                    sessionId: "S")
            }
            let failure = await page.passGate(loaderId: loader, deadline: .now + .seconds(5))
            return (failure, sent.withLock { $0 })
        }
    }

    @Test func aCleanNavigationPassesAfterEveryClearAndCheck() async throws {
        let (failure, sent) = try await Self.gated(Request())
        #expect(failure == nil)
        // Before the request: cookies, cache and service workers; at the response the scripts come
        // back; at the gate every clear and check comes before the answer; then the gate comes down.
        let fulfilled = try #require(sent.firstIndex(of: "Fetch.fulfillRequest"))
        let scriptsOn = try #require(sent.lastIndex(of: "Emulation.setScriptExecutionDisabled"))
        #expect(scriptsOn < fulfilled)
        for method in [
            "Page.resetNavigationHistory", "Storage.clearCookies", "Browser.resetPermissions", "Storage.getCookies",
            "Storage.getUsageAndQuota",
        ] {
            let index = try #require(sent.lastIndex(of: method), "\(method) sent")
            #expect(index < fulfilled, "\(method) before the answer")
        }
        #expect(sent.filter { $0 == "Storage.clearDataForOrigin" }.count == 3, "the service workers, then both origins")
        #expect(sent.suffix(2).sorted() == ["Fetch.disable", "Page.removeScriptToEvaluateOnNewDocument"])
    }

    @Test func aCookieOnTheDocumentsRequestFailsTheGate() async throws {
        let (failure, _) = try await Self.gated(Request(cookiesSent: 2))
        #expect(failure?.description == "the document's request went out with 2 cookie(s)")
    }

    @Test func anotherDocumentPassingTheGateFailsIt() async throws {
        // Say a refresh of the previous document raced the navigation and its document took the gate.
        let (failure, _) = try await Self.gated(Request(gateLoader: "L0"))
        #expect(failure?.description == "another document than the navigation's passed the gate")
    }

    @Test func aDocumentFromTheCacheFailsTheGate() async throws {
        let (failure, _) = try await Self.gated(Request(fromDiskCache: true))
        #expect(failure?.description == "the document came from a cache")
    }

    @Test func storageLeftAfterTheClearsFailsTheGateAndTheRequest() async throws {
        let (failure, sent) = try await Self.gated(Request(), browser: Browser(indexedDBUsage: 512))
        #expect(failure?.description == "left after the reset: indexeddb")
        #expect(sent.contains("Fetch.failRequest"))
        #expect(!sent.contains("Fetch.fulfillRequest"))
    }

    @Test func aGateRequestWithAnotherNonceIsRefusedAndNeverAnswered() async throws {
        let (failure, sent) = try await Self.gated(Request(), nonce: "0123456789abcdef0123456789abcdef")
        #expect(failure?.description == "the document went on without the gate")
        #expect(sent.contains("Fetch.failRequest"))
        #expect(!sent.contains("Fetch.fulfillRequest"))
        #expect(!sent.contains("Storage.getCookies"), "nothing cleared for it")
    }

    @Test func aSameDocumentNavigationFailsTheGate() async throws {
        try await FakePage.withTransport(browser: Browser().replies) { page, _ in
            let gate = try await page.settleForRecycling(
                origin: "http://a.test", clearing: [], initScripts: [], timeout: .seconds(5))
            page.beginGate(gate)
            let failure = await page.passGate(loaderId: nil, deadline: .now + .seconds(3))
            #expect(failure?.description == "the navigation kept the previous document")
        }
    }
}
