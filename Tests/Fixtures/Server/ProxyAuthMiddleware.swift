import Foundation
import Hummingbird

/// Lets the fixture server act as an HTTP proxy that demands credentials: a request for the host
/// `FixtureServer.authProxyHost` (which only a browser using this server as its proxy can send) must carry
/// `Proxy-Authorization: Basic` with `FixtureServer.proxyCredentials`, else it gets 407. Requests for any
/// other host are served as usual (Hummingbird serves absolute-form requests like direct ones).
struct ProxyAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let host = request.head.authority ?? ""
        guard host.hasPrefix(FixtureServer.authProxyHost) else { return try await next(request, context) }
        let (user, password) = FixtureServer.proxyCredentials
        let expected = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        guard request.headers[.proxyAuthorization] == expected else {
            return Response(
                status: .proxyAuthenticationRequired, headers: [.proxyAuthenticate: "Basic realm=\"tidepool-fixture\""]
            )
        }
        return try await next(request, context)
    }
}

extension FixtureServer {
    /// The host name that makes the fixture server, used as a proxy, ask for credentials.
    public static let authProxyHost = "auth-proxy.tidepool.test"
    /// User and password the fixture's proxy accepts.
    public static let proxyCredentials = (user: "tide", password: "pool")
}
