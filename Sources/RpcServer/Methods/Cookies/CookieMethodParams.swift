import RenderTypes
import SessionContext

/// Params of `cookies.get`.
struct CookiesGetParams: RpcParams {
    static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter("domain", .string, summary: "Only cookies a request to this host would carry."),
        RpcParameter("name", .string, summary: "Only cookies with this name."),
    ]
    static let paramStructure = RpcParamStructure.either

    var sessionId: SessionID
    var domain: String?
    var name: String?

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case domain, name
    }
}

/// Params of `cookies.set`.
struct CookiesSetParams: RpcParams {
    static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter(
            "cookies", .array(of: .ref("Cookie")), required: true,
            summary: "Cookies to add; one with the same name, domain and path replaces the stored one."
        ),
    ]
    static let paramStructure = RpcParamStructure.either

    var sessionId: SessionID
    var cookies: [Cookie]

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case cookies
    }
}

/// Params of `cookies.delete`.
struct CookiesDeleteParams: RpcParams {
    static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter("domain", .string, required: true),
        RpcParameter("name", .string, required: true),
        RpcParameter("path", .string, summary: "Only the cookie with this path; every path when absent."),
    ]
    static let paramStructure = RpcParamStructure.either

    var sessionId: SessionID
    var domain: String
    var name: String
    var path: String?

    enum CodingKeys: String, CodingKey {
        case sessionId = "session_id"
        case domain, name, path
    }
}
