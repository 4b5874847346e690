import HTTPTypes
import Hummingbird

/// Answers a request whose path is one the server serves but whose method is not among that path's
/// (TRACE, QUERY, PUT on `/sessions`…) with 405, an `Allow` header listing the path's methods and the
/// HTTP layer's JSON error body; any method at all, not only the ones a router can register. A path
/// the server does not serve is left to the router (404).
///
/// A path is matched against the templates the way the router resolves it: segment by segment, a
/// literal segment before a `{parameter}` one, so `/sessions/stats` is the stats route's path (GET)
/// and not `/sessions/{session_id}`'s.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One served path: its template's segments (`nil` for a `{parameter}`) and the methods it answers.
    struct Entry: Sendable {
        let template: String
        let segments: [String?]
        let methods: [HTTPRequest.Method]
        let allow: String
    }

    let entries: [Entry]

    /// `paths` lists each served path template with its methods, in the order they were registered.
    init(paths: [(path: String, methods: [HTTPRequest.Method])]) {
        entries = paths.map { path, methods in
            Entry(
                template: path,
                segments: path.split(separator: "/").map { segment in
                    segment.hasPrefix("{") && segment.hasSuffix("}") ? nil : String(segment)
                },
                methods: methods,
                allow: methods.map(\.rawValue).joined(separator: ", "))
        }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let entry = entry(for: request.uri.path), !entry.methods.contains(request.method) {
            throw HTTPError(.methodNotAllowed, headers: [.allow: entry.allow], message: "\(entry.template) answers \(entry.allow) only")
        }
        return try await next(request, context)
    }

    /// The served path `path` resolves to, if any: among the templates it matches, the one whose first
    /// differing segment is a literal.
    func entry(for path: String) -> Entry? {
        let segments = path.split(separator: "/")
        var best: Entry?
        for entry in entries where entry.segments.count == segments.count {
            guard zip(entry.segments, segments).allSatisfy({ literal, segment in literal.map { $0 == segment } ?? true }) else {
                continue
            }
            guard let current = best else {
                best = entry
                continue
            }
            if let index = entry.segments.indices.first(where: { (entry.segments[$0] == nil) != (current.segments[$0] == nil) }),
                entry.segments[index] != nil
            {
                best = entry
            }
        }
        return best
    }
}
