import Hummingbird
import Synchronization

/// The kind of resource a fixture request is for, decided by its path (the server knows what it serves):
/// `/assets/img/` images, `/assets/fonts/` fonts, `/assets/css/` stylesheets, `/assets/js/` scripts,
/// `/assets/media/` media, `/api/` fetch/XHR, `/ws` WebSocket handshakes, everything else documents.
public enum FixtureResourceKind: String, Sendable, CaseIterable, Hashable {
    case document, image, font, stylesheet, script, xhr, media, websocket

    /// The kind of the resource at `path`.
    public init(path: String) {
        self = if path.hasPrefix("/assets/img/") { .image }
            else if path.hasPrefix("/assets/fonts/") { .font }
            else if path.hasPrefix("/assets/css/") { .stylesheet }
            else if path.hasPrefix("/assets/js/") { .script }
            else if path.hasPrefix("/assets/media/") { .media }
            else if path.hasPrefix("/api/") { .xhr }
            else if path == "/ws" { .websocket }
            else { .document }
    }
}

/// Counts the requests the fixture server has received, by kind and by path, so tests can prove that a
/// resource was (or was not) fetched, e.g. that resource blocking really kept images off the wire.
public final class RequestCounter: Sendable {
    private struct State {
        var byKind: [FixtureResourceKind: Int] = [:]
        var byPath: [String: Int] = [:]
        var bodyBytes = 0
        var bodiesOfUnknownLength = 0
    }
    private let state = Mutex(State())

    init() {}

    func record(path: String) {
        state.withLock {
            $0.byKind[FixtureResourceKind(path: path), default: 0] += 1
            $0.byPath[path, default: 0] += 1
        }
    }

    func recordBody(length: Int?) {
        state.withLock {
            if let length { $0.bodyBytes += length } else { $0.bodiesOfUnknownLength += 1 }
        }
    }

    /// Bytes of the response bodies sent so far whose length was known when sent, and how many
    /// bodies were of unknown length (streamed).
    public var bodyBytes: (known: Int, unknownLengths: Int) { state.withLock { ($0.bodyBytes, $0.bodiesOfUnknownLength) } }

    /// Requests of `kind` received so far.
    public func count(_ kind: FixtureResourceKind) -> Int { state.withLock { $0.byKind[kind] ?? 0 } }

    /// Requests for exactly `path` (no query string) received so far.
    public func count(path: String) -> Int { state.withLock { $0.byPath[path] ?? 0 } }

    /// Every request received so far.
    public var total: Int { state.withLock { $0.byPath.values.reduce(0, +) } }

    /// Every kind's count (kinds never requested are 0).
    public func countsByKind() -> [FixtureResourceKind: Int] {
        state.withLock { s in Dictionary(uniqueKeysWithValues: FixtureResourceKind.allCases.map { ($0, s.byKind[$0] ?? 0) }) }
    }

    /// Forgets every count.
    public func reset() { state.withLock { $0 = State() } }
}

/// Records each request in a `RequestCounter` before anything else handles it.
struct CountingMiddleware<Context: RequestContext>: RouterMiddleware {
    let counter: RequestCounter

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        counter.record(path: request.uri.path)
        let response = try await next(request, context)
        counter.recordBody(length: response.body.contentLength)
        return response
    }
}
