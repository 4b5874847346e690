import RenderTypes
public import SessionContext

// The cookie methods take SessionContext's wire structs; here they gain their documented parameters.

extension CookiesGetParams: RpcParams {
    public static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter("domain", .string, summary: "Only cookies a request to this host would carry."),
        RpcParameter("name", .string, summary: "Only cookies with this name."),
    ]
    public static let paramStructure = RpcParamStructure.either
}

extension CookiesSetParams: RpcParams {
    public static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter(
            "cookies", .array(of: .ref("Cookie")), required: true,
            summary: "Cookies to add; one with the same name, domain and path replaces the stored one."
        ),
    ]
    public static let paramStructure = RpcParamStructure.either
}

extension CookiesDeleteParams: RpcParams {
    public static let parameters = [
        RpcParameter("session_id", sessionIDSchema, required: true),
        RpcParameter("domain", .string, required: true),
        RpcParameter("name", .string, required: true),
        RpcParameter("path", .string, summary: "Only the cookie with this path; every path when absent."),
    ]
    public static let paramStructure = RpcParamStructure.either
}
