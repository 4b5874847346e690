import HTTPTypes
import Hummingbird

/// Refuses requests without `Authorization: Bearer <token>` (401), comparing in constant time.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: [UInt8]

    init(token: String) {
        self.token = Array(token.utf8)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], authorized(header) else {
            throw HTTPError(
                .unauthorized, headers: [.wwwAuthenticate: #"Bearer realm="tidepool""#],
                message: "missing or wrong bearer token: send Authorization: Bearer <TIDEPOOL_TOKEN>"
            )
        }
        return try await next(request, context)
    }

    private func authorized(_ header: String) -> Bool {
        let scheme = "bearer "
        let utf8 = header.utf8
        guard utf8.count > scheme.utf8.count,
            String(decoding: utf8.prefix(scheme.utf8.count), as: UTF8.self).lowercased() == scheme
        else { return false }
        return ConstantTime.equals(utf8.dropFirst(scheme.utf8.count), token)
    }
}
