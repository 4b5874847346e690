import AsyncSupport
import Foundation
import Hummingbird
import NIOCore

/// The fixture site's dynamic routes. Every delay is capped (`maxDelayMs`) and `/hang` gives up after
/// `hangLimit`, so no request outlives a test by much even when a client never disconnects.
struct FixtureRoutes {
    let accounts: FixtureAccounts
    /// Fired when the server stops: a waiting `/slow` or `/hang` answers at once.
    let stopping: AsyncLatch<Void>

    /// The longest delay `/slow` and `/api/data` accept.
    static let maxDelayMs = 30_000
    /// How long `/hang` holds a request before answering 504 (the server's stop ends it sooner).
    static let hangLimit: Duration = .seconds(120)
    /// The largest `/download` and `/huge` answer, in bytes.
    static let maxGeneratedBytes = 64 * 1024 * 1024
    /// Pages of the paginated listing, and items per page.
    static let listPages = 4
    static let itemsPerPage = 5

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in Self.html(title: "Tidepool fixture site", body: Self.index) }
        router.get("/login") { _, _ in Response.redirect(to: "/login.html", type: .found) }
        router.post("/login") { request, _ in try await login(request) }
        router.get("/dashboard") { request, _ in dashboard(request) }
        router.get("/logout") { request, _ in logout(request) }
        router.get("/headers") { request, _ in
            Self.html(title: "Request headers", body: "<pre id=\"headers\">\(Self.escape(Self.headersJSON(request)))</pre>")
        }
        router.get("/api/headers") { request, _ in Self.json(Self.headersJSON(request)) }
        router.get("/cookies") { request, _ in
            Self.html(title: "Cookies", body: "<pre id=\"cookies\">\(Self.escape(Self.cookiesJSON(request)))</pre>")
        }
        router.get("/api/ping") { _, _ in Self.json(#"{"pong":true}"#) }
        router.get("/api/beacon") { _, _ in Self.json(#"{"ok":true}"#) }
        router.get("/download") { request, _ in Self.download(request) }
        router.get("/huge") { request, _ in Self.huge(request) }
        router.get("/api/data") { request, _ in
            _ = await stopping.wait(timeout: .milliseconds(Self.delay(request, default: 700)))
            return Self.json(#"{"items":["alpha","beta","gamma"]}"#)
        }
        router.get("/slow") { request, _ in
            let ms = Self.delay(request, default: 1000)
            _ = await stopping.wait(timeout: .milliseconds(ms))
            return Self.html(title: "Slow page", body: "<h1 id=\"slow\">Slow page answered after \(ms) ms</h1>")
        }
        router.get("/half") { request, _ in
            // A document sent in two parts, `ms` apart: the parser has `<p id="answer">` but not its text.
            let ms = Self.delay(request, default: 1000)
            let latch = stopping
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string:
                    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Half sent</title></head>"
                        + "<body>\n<h1>Half sent</h1>\n<p id=\"answer\">"))
                _ = await latch.wait(timeout: .milliseconds(ms))
                try await writer.write(ByteBuffer(string: "waiting</p>\n<p id=\"end\">the rest, \(ms) ms later</p>\n</body></html>\n"))
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: body)
        }
        router.get("/hang") { _, _ in
            _ = await stopping.wait(timeout: Self.hangLimit)
            return Response(status: .gatewayTimeout)
        }
        router.get("/list") { request, _ in listing(request) }
        router.get("/item/{id}") { _, context in
            let id = try context.parameters.require("id", as: Int.self)
            return Self.html(title: "Item \(id)", body: "<h1 id=\"item\">Item \(id)</h1><p class=\"detail\">Details of item \(id).</p>")
        }
        router.get("/status/{code}") { _, context in
            let code = try context.parameters.require("code", as: Int.self)
            guard (200...599).contains(code) else { throw HTTPError(.badRequest, message: "code must be 200...599") }
            return Self.html(title: "Status \(code)", body: "<h1 id=\"status\">\(code)</h1>", status: .init(code: code))
        }
        router.get("/redirect") { request, _ in
            let target = request.uri.queryParameters.get("to") ?? "/static.html"
            // A path here, or another loopback "host" (the egress tests redirect into a refused one).
            guard (target.hasPrefix("/") && !target.hasPrefix("//")) || target.hasPrefix("http://127.") else {
                throw HTTPError(.badRequest, message: "to must be a path on this server or an http://127.x URL")
            }
            return Response.redirect(to: target, type: .found)
        }
        // The isolation battery (Site/isolation/): an HttpOnly cookie only the server can set, and a
        // response the HTTP cache keeps for an hour.
        router.get("/isolation/set-cookie") { _, _ in
            var response = Self.json(#"{"set":true}"#)
            response.setCookie(.init(name: "iso_http", value: "1", maxAge: 3600, path: "/", httpOnly: true, sameSite: .lax))
            return response
        }
        // A page that goes on to another by itself after `ms` (a meta refresh: no script needed).
        router.get("/isolation/refresh") { request, _ in
            let ms = request.uri.queryParameters.get("ms").flatMap { Int($0) } ?? 500
            guard (0...10_000).contains(ms) else { throw HTTPError(.badRequest, message: "ms must be 0...10000") }
            let seconds = String(format: "%.3f", Double(ms) / 1000)
            return Self.html(
                title: "Refresh",
                body: "<meta http-equiv=\"refresh\" content=\"\(seconds);url=/isolation/unload.html?refreshed\"><h1 id=\"refresh\">refreshing</h1>")
        }
        // A page whose Content-Security-Policy allows it no request from script: a recycled page's gate
        // (a script's request) cannot pass there.
        router.get("/isolation/no-connect") { _, _ in
            var response = Self.html(title: "No connect", body: "<h1 id=\"no-connect\">no requests from script</h1>")
            response.headers[.contentSecurityPolicy] = "connect-src 'none'"
            return response
        }
        router.get("/isolation/cached") { _, _ in
            var response = Self.json(#"{"cached":true}"#)
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }
        router.get("/egress-probe") { request, _ in
            guard let other = request.uri.queryParameters.get("origin"), other.hasPrefix("http://127.") else {
                throw HTTPError(.badRequest, message: "origin must be an http://127.x origin")
            }
            return Self.html(title: "Egress probe", body: Self.egressProbe(String(other)))
        }
    }

    /// A page of this origin that reaches `other` every way a page can: an image, a stylesheet, a
    /// script, fetch, XHR, a WebSocket and a worker's fetch; `#probe` lists what each got.
    private static func egressProbe(_ other: String) -> String {
        let ws = "ws://" + other.dropFirst("http://".count)
        return """
            <img id="img" src="\(other)/assets/img/red.png">
            <link rel="stylesheet" href="\(other)/assets/css/media.css">
            <pre id="probe"></pre>
            <script>
              const results = {};
              const done = () => { document.getElementById("probe").textContent = JSON.stringify(results); };
              const note = (name, value) => { results[name] = value; done(); };
              fetch("\(other)/api/ping").then(r => note("fetch", r.status), e => note("fetch", "error"));
              const xhr = new XMLHttpRequest();
              xhr.onload = () => note("xhr", xhr.status);
              xhr.onerror = () => note("xhr", "error");
              xhr.open("GET", "\(other)/api/data?ms=0"); xhr.send();
              try {
                const socket = new WebSocket("\(ws)/ws");
                socket.onopen = () => note("websocket", "open");
                socket.onerror = () => note("websocket", "error");
              } catch (e) { note("websocket", "threw"); }
              const worker = new Worker(URL.createObjectURL(new Blob(
                ["fetch('\(other)/api/headers').then(r => postMessage(r.status), e => postMessage('error'))"])));
              worker.onmessage = (event) => note("worker", event.data);
            </script>
            """
    }

    // MARK: Login

    private func login(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        let form = Self.formFields(String(buffer: body))
        let user = form["username"] ?? ""
        guard let sid = accounts.login(user: user, password: form["password"] ?? "") else {
            return Self.html(
                title: "Log in",
                body: "<p id=\"error\">Wrong user name or password</p><a href=\"/login.html\">try again</a>",
                status: .unauthorized
            )
        }
        var response = Response.redirect(to: "/dashboard", type: .normal)
        response.setCookie(.init(name: FixtureAccounts.cookieName, value: sid, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    private func dashboard(_ request: Request) -> Response {
        guard let sid = request.cookies[FixtureAccounts.cookieName]?.value,
              let user = accounts.user(forSession: sid)
        else {
            return Self.html(
                title: "Dashboard",
                body: "<p id=\"anonymous\">Not logged in</p><a href=\"/login.html\">log in</a>",
                status: .unauthorized
            )
        }
        return Self.html(
            title: "Dashboard",
            body: "<h1 id=\"welcome\">Welcome, <span id=\"user\">\(Self.escape(user))</span></h1><a id=\"logout\" href=\"/logout\">log out</a>"
        )
    }

    private func logout(_ request: Request) -> Response {
        if let sid = request.cookies[FixtureAccounts.cookieName]?.value { accounts.logout(session: sid) }
        var response = Response.redirect(to: "/login.html", type: .found)
        response.setCookie(.init(name: FixtureAccounts.cookieName, value: "", maxAge: 0, path: "/"))
        return response
    }

    // MARK: Listing

    private func listing(_ request: Request) -> Response {
        let page = min(max(request.uri.queryParameters.get("page", as: Int.self) ?? 1, 1), Self.listPages)
        let first = (page - 1) * Self.itemsPerPage + 1
        let items = (first..<first + Self.itemsPerPage)
            .map { "<li class=\"item\"><a href=\"/item/\($0)\">Item \($0)</a></li>" }
            .joined()
        let next = page < Self.listPages ? "<a id=\"next\" rel=\"next\" href=\"/list?page=\(page + 1)\">Next</a>" : ""
        return Self.html(
            title: "Listing page \(page) of \(Self.listPages)",
            body: "<h1 id=\"page\">Page \(page)</h1><ul id=\"items\">\(items)</ul>\(next)"
        )
    }

    // MARK: Generated answers

    /// An attachment of `?bytes=` bytes (default 2048) named `?name=` (default `report.bin`); byte i is
    /// `i % 251`, so a test can check every byte.
    static func download(_ request: Request) -> Response {
        let size = min(max(request.uri.queryParameters.get("bytes", as: Int.self) ?? 2048, 0), maxGeneratedBytes)
        let name = request.uri.queryParameters.get("name").map { String($0) } ?? "report.bin"
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || "._-".contains($0) }) else {
            return Response(status: .badRequest)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: FixtureServer.downloadBytes(count: size)))
        )
    }

    /// A document of about `?mb=` megabytes (default 30): a heading, paragraphs of text in a hidden
    /// `<div>`, then `<p id="end">`. Hidden, because laying out 30 MB of visible paragraphs takes
    /// headless-shell 27 s (a 30 MB `<pre>`, 74 s; measured): the test is of size, not of layout.
    static func huge(_ request: Request) -> Response {
        let megabytes = min(max(request.uri.queryParameters.get("mb", as: Int.self) ?? 30, 1), maxGeneratedBytes >> 20)
        let paragraph = "<p>Tidepool renders hostile pages too: this paragraph repeats until the document is huge.</p>\n"
        let count = megabytes * 1024 * 1024 / paragraph.utf8.count
        var buffer = ByteBuffer()
        buffer.reserveCapacity(megabytes * 1024 * 1024 + 512)
        buffer.writeString(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Huge document</title></head><body>\n"
                + "<h1>Huge document</h1><div hidden>\n")
        for _ in 0..<count { buffer.writeString(paragraph) }
        buffer.writeString("</div><p id=\"end\">end of the huge document</p></body></html>\n")
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: buffer))
    }

    // MARK: Helpers

    private static func delay(_ request: Request, default fallback: Int) -> Int {
        min(max(request.uri.queryParameters.get("ms", as: Int.self) ?? fallback, 0), maxDelayMs)
    }

    /// Request headers as a JSON object, names lower-cased, repeated fields joined with ", ".
    static func headersJSON(_ request: Request) -> String {
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return jsonText(headers)
    }

    /// The cookies the request carried, as a JSON object name → value.
    static func cookiesJSON(_ request: Request) -> String {
        var cookies: [String: String] = [:]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if let name = parts.first { cookies[String(name)] = parts.count > 1 ? String(parts[1]) : "" }
            }
        }
        return jsonText(cookies)
    }

    static func jsonText(_ object: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Fields of an `application/x-www-form-urlencoded` body.
    static func formFields(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if let name = parts.first { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func html(title: String, body: String, status: HTTPResponse.Status = .ok) -> Response {
        let text = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title></head>
            <body>\(body)</body></html>
            """
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func json(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    static let index = """
        <h1>Tidepool fixture site</h1>
        <ul id="pages">
        <li><a href="/static.html">static page with metadata</a></li>
        <li><a href="/delayed.html">content injected after a delay</a></li>
        <li><a href="/fetch.html">content from a delayed fetch</a></li>
        <li><a href="/scroll.html">infinite scroll</a></li>
        <li><a href="/login.html">login form</a> → <a href="/dashboard">dashboard</a></li>
        <li><a href="/storage/write.html?k=v">localStorage write</a>, <a href="/storage/read.html">read</a></li>
        <li><a href="/console.html">console logging</a></li>
        <li><a href="/media.html">images, fonts, media, script, xhr</a></li>
        <li><a href="/hang.html">never finishes loading</a></li>
        <li><a href="/bot.html">bot detection</a></li>
        <li><a href="/actions.html">actions playground</a></li>
        <li><a href="/list">paginated listing</a></li>
        <li><a href="/slow?ms=1000">slow page</a>, <a href="/half?ms=1000">a document sent in two parts</a></li>
        <li><a href="/headers">request headers echo</a></li>
        <li><a href="/cookies">cookies the server received</a></li>
        <li><a href="/hostile/dialogs.html?open=alert">dialogs</a>, <a href="/hostile/dialog-loop.html">a dialog loop</a>,
        <a href="/hostile/beforeunload.html">beforeunload</a></li>
        <li><a href="/hostile/popups.html?n=30">30 popups</a>, <a href="/hostile/download.html">a download</a></li>
        <li><a href="/hostile/spin.html">an endless loop</a>, <a href="/hostile/oom.html">out of memory</a>,
        <a href="/huge?mb=30">a 30 MB document</a>, <a href="/hostile/refresh.html">a refresh loop</a></li>
        </ul>
        """
}
