import HTTPTypes
import Hummingbird
import SessionContext

/// Who is calling, from `Authorization: Bearer <key>`: the tenant whose key it is (with a tenants
/// file), the node token (`--token`), or anyone when neither is configured. Refuses with 401 and a
/// JSON body saying what to send.
///
/// - Neither a tenants file nor a token: every call is the `default` tenant's (no key needed).
/// - A token only: the token is needed, and every call is `default`'s (as before tenants existed).
/// - A tenants file: a tenant's key makes the call that tenant's. The node token, when one is set,
///   is still accepted: it is what nodes forward calls with, naming the caller's tenant in
///   `Tidepool-Tenant` (without the header the call is `default`'s). That header is read only from
///   callers holding the node token, so a tenant's key can never name another tenant.
struct CallerAuthentication: Sendable {
    /// The header a node forwarding a call names the caller's tenant in.
    static let tenantHeader = HTTPField.Name("Tidepool-Tenant")!

    let nodeToken: [UInt8]?
    let tenants: TenantDirectory?

    init(nodeToken: String?, tenants: TenantDirectory?) {
        self.nodeToken = nodeToken.map { Array($0.utf8) }
        self.tenants = tenants
    }

    /// Whether a call needs a key (a tenants file or a token is configured).
    var isRequired: Bool { nodeToken != nil || tenants != nil }

    /// The tenant a request is made for; throws a 401 `HTTPError` when its key is missing or unknown.
    func tenant(of request: Request) throws -> TenantID {
        guard nodeToken != nil || tenants != nil else { return .default }
        guard let header = request.headers[.authorization], let key = Self.bearerKey(header) else { throw refusal }
        if let tenants, let tenant = tenants.tenant(forKey: key) { return tenant }
        if let nodeToken, ConstantTime.equals(key, nodeToken) {
            guard tenants != nil, let named = request.headers[Self.tenantHeader] else { return .default }
            guard let tenant = TenantID(named) else {
                throw HTTPError(.badRequest, message: "\(Self.tenantHeader.rawName): \(TenantID.invalidReason(named) ?? "invalid")")
            }
            return tenant
        }
        throw refusal
    }

    private var refusal: HTTPError {
        HTTPError(
            .unauthorized, headers: [.wwwAuthenticate: #"Bearer realm="tidepool""#],
            message: tenants == nil
                ? "missing or wrong bearer token: send Authorization: Bearer <TIDEPOOL_TOKEN>"
                : "missing or unknown API key: send Authorization: Bearer <your tenant's key> "
                    + "(the operator makes one with `tidepool tenant new-key` and lists its hash in the tenants file)"
        )
    }

    /// The key after `Bearer ` (scheme in any case); nil for another scheme or an empty key.
    static func bearerKey(_ header: String) -> Substring.UTF8View? {
        let scheme = "bearer "
        let utf8 = header.utf8
        guard utf8.count > scheme.utf8.count,
            String(decoding: utf8.prefix(scheme.utf8.count), as: UTF8.self).lowercased() == scheme
        else { return nil }
        return header.dropFirst(scheme.count).utf8
    }
}
