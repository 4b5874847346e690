import FixtureServer
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The fixture site itself, checked over plain HTTP (the Chromium suites check what a browser sees).
@Suite("Fixture server")
struct FixtureServerTests {
    @Test func servesStaticPageWithMetadata() async throws {
        try await FixtureServer.withRunning { server in
            let reply = try await HTTP.get(server.url("/static.html"))
            #expect(reply.status == 200)
            #expect(reply.text.contains("<title>Tidepool Fixture: Static Page</title>"))
            #expect(reply.text.contains("og:title"))
            #expect(reply.text.contains("application/ld+json"))
        }
    }

    @Test func countsRequestsByResourceKind() async throws {
        try await FixtureServer.withRunning { server in
            _ = try await HTTP.get(server.url("/assets/img/red.png"))
            _ = try await HTTP.get(server.url("/assets/img/blue.png"))
            _ = try await HTTP.get(server.url("/assets/fonts/tide.ttf"))
            _ = try await HTTP.get(server.url("/api/ping"))
            #expect(server.counter.count(.image) == 2)
            #expect(server.counter.count(.font) == 1)
            #expect(server.counter.count(.xhr) == 1)
            #expect(server.counter.count(.script) == 0)
            #expect(server.counter.count(path: "/assets/img/red.png") == 1)
            server.counter.reset()
            #expect(server.counter.count(.image) == 0)
        }
    }

    @Test func loginSetsHttpOnlyCookieAndRedirectsToDashboard() async throws {
        try await FixtureServer.withRunning { server in
            let reply = try await HTTP.send(
                server.url("/login"), method: "POST", body: "username=alice&password=hunter2",
                headers: ["Content-Type": "application/x-www-form-urlencoded"]
            )
            #expect(reply.status == 303)
            #expect(reply.headers["location"] == "/dashboard")
            let setCookie = try #require(reply.headers["set-cookie"])
            #expect(setCookie.hasPrefix("sid="))
            #expect(setCookie.contains("HttpOnly"))
            let sid = String(setCookie.dropFirst(4).prefix(while: { $0 != ";" }))
            let dashboard = try await HTTP.send(server.url("/dashboard"), headers: ["Cookie": "sid=\(sid)"])
            #expect(dashboard.status == 200)
            #expect(dashboard.text.contains("<span id=\"user\">alice</span>"))
        }
    }

    @Test func dashboardWithoutCookieShowsNoUser() async throws {
        try await FixtureServer.withRunning { server in
            let reply = try await HTTP.get(server.url("/dashboard"))
            #expect(reply.status == 401)
            #expect(reply.text.contains("Not logged in"))
        }
    }

    @Test func wrongPasswordIsRefused() async throws {
        try await FixtureServer.withRunning { server in
            let reply = try await HTTP.send(server.url("/login"), method: "POST", body: "username=alice&password=nope")
            #expect(reply.status == 401)
            #expect(reply.headers["set-cookie"] == nil)
            #expect(server.accounts.openSessions == 0)
        }
    }

    @Test func headersEchoShowsRequestHeaders() async throws {
        try await FixtureServer.withRunning { server in
            let reply = try await HTTP.send(server.url("/api/headers"), headers: ["X-Tidepool-Test": "echo me"])
            let object = try JSONSerialization.jsonObject(with: reply.body) as? [String: String]
            #expect(object?["x-tidepool-test"] == "echo me")
        }
    }

    @Test func listingLinksToNextPageUntilTheLast() async throws {
        try await FixtureServer.withRunning { server in
            let first = try await HTTP.get(server.url("/list"))
            #expect(first.text.contains("href=\"/list?page=2\""))
            let last = try await HTTP.get(server.url("/list?page=4"))
            #expect(last.text.contains("Item 20"))
            #expect(!last.text.contains("rel=\"next\""))
        }
    }

    @Test func statusRouteAnswersWithTheAskedCode() async throws {
        try await FixtureServer.withRunning { server in
            let notFound = try await HTTP.get(server.url("/status/404"))
            let unavailable = try await HTTP.get(server.url("/status/503"))
            #expect(notFound.status == 404)
            #expect(unavailable.status == 503)
        }
    }

    @Test func slowRouteWaitsAtLeastTheAskedDelay() async throws {
        try await FixtureServer.withRunning { server in
            let clock = ContinuousClock()
            let start = clock.now
            let reply = try await HTTP.get(server.url("/slow?ms=300"))
            #expect(reply.status == 200)
            // A lower bound only: the route must not answer before its delay.
            #expect(clock.now - start >= .milliseconds(300))
        }
    }

    @Test func stopEndsHangingRequests() async throws {
        let server = try await FixtureServer.start()
        let hanging = Task { try await HTTP.get(server.url("/hang"), timeout: 60) }
        while server.counter.count(path: "/hang") == 0 { try await Task.sleep(for: .milliseconds(20)) }
        await server.stop()
        let outcome = await hanging.result
        switch outcome {
        case .success(let reply): #expect(reply.status >= 500)
        case .failure: break  // the connection closed without an answer: also ended
        }
    }
}

/// A minimal HTTP client for the fixture tests: never follows redirects, never stores cookies.
enum HTTP {
    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    private final class NoRedirects: NSObject, URLSessionTaskDelegate {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }

    static func get(_ url: String, timeout: TimeInterval = 10) async throws -> Reply {
        try await send(url, timeout: timeout)
    }

    static func send(
        _ url: String, method: String = "GET", body: String? = nil, headers: [String: String] = [:],
        timeout: TimeInterval = 10
    ) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!, timeoutInterval: timeout)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        request.httpShouldHandleCookies = false
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        let session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { fields[name.lowercased()] = value }
        }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }
}
