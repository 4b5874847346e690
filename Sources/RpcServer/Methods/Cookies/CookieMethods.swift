import Rendering
import RenderTypes
import SessionContext

/// `cookies.*`: read and change a session's cookie jar (SPEC "Sessions"), in the caller's tenant.
enum CookieMethods {
    static func register(in registry: inout RpcMethodRegistry, sessions: SessionService) {
        let errors: [RpcErrorCode] = [.invalidParams, .sessionNotFound, .sessionExpired]
        let count = { (key: String) in
            RpcResultSpec("outcome", .object([key: .integer(minimum: 0)], required: [key]))
        }

        registry.register(
            "cookies.get", summary: "Returns a session's cookies, optionally only those for a domain or name.",
            params: CookiesGetParams.self,
            result: RpcResultSpec("cookies", .object(["cookies": .array(of: .ref("Cookie"))], required: ["cookies"])),
            errors: errors
        ) { params, context in
            let cookies = try await sessions.change(params.sessionId.inTenant(context.tenant)) { $0.cookies(domain: params.domain, name: params.name) }
            return ["cookies": cookies]
        }

        registry.register(
            "cookies.set", summary: "Adds cookies to a session; one with the same name, domain and path is replaced.",
            params: CookiesSetParams.self, result: count("count"), errors: errors
        ) { params, context in
            let limit = sessions.configuration.limits.maxCookies
            guard params.cookies.count <= limit else {
                throw RpcMethodError.invalidParams(
                    field: "cookies", reason: "\(params.cookies.count) cookies given, at most \(limit) allowed"
                )
            }
            return ["count": try await sessions.changeUnlessHeld(params.sessionId.inTenant(context.tenant)) { $0.setCookies(params.cookies) }]
        }

        registry.register(
            "cookies.delete", summary: "Deletes the cookies with this name on this domain (and path, when given).",
            params: CookiesDeleteParams.self, result: RpcResultSpec("outcome", SessionMethods.deletedSchema("deleted")),
            errors: errors
        ) { params, context in
            let deleted = try await sessions.changeUnlessHeld(params.sessionId.inTenant(context.tenant)) {
                $0.deleteCookie(domain: params.domain, name: params.name, path: params.path)
            }
            return ["deleted": deleted]
        }

        registry.register(
            "cookies.clear", summary: "Removes every cookie of a session.", params: SessionIDParams.self,
            result: count("removed"), errors: errors
        ) { params, context in
            ["removed": try await sessions.changeUnlessHeld(params.sessionId.inTenant(context.tenant)) { $0.clearCookies() }]
        }
    }
}
