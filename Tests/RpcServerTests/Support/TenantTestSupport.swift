import Foundation
import RenderTypes
import RpcServer
import TestSupport

/// A caller of an endpoint sending `Authorization: Bearer <key>` (nil: no Authorization header),
/// plus `extraHeaders`.
struct KeyedCaller: HTTPEndpoint {
    let baseURL: String
    let key: String?
    var extraHeaders: [(String, String)] = []

    init(_ endpoint: some HTTPEndpoint, key: String?, extraHeaders: [(String, String)] = []) {
        baseURL = endpoint.baseURL
        self.key = key
        self.extraHeaders = extraHeaders
    }

    var headers: [(String, String)] {
        [("Content-Type", "application/json")] + (key.map { [("Authorization", "Bearer \($0)")] } ?? []) + extraHeaders
    }

    /// The `error` of calling `method`; fails the test when the call answered a result.
    func error(_ method: String, _ params: JSONValue? = nil) async throws -> JSONValue {
        let response = try await call(method, params)
        guard let error = response["error"] else { throw UnexpectedResult(method: method, response: response) }
        return error
    }
}

struct UnexpectedResult: Error, CustomStringConvertible {
    var method: String
    var response: JSONValue
    var description: String { "\(method): expected an error, got \(response.jsonString())" }
}

/// A tenants file written for a test: tenants with their keys (the file lists only the hashes).
struct TestTenants {
    /// Tenant id → its keys.
    var keys: [(tenant: String, keys: [String])]
    /// Tenant id → its limits (none for a tenant not named).
    var limits: [String: JSONValue] = [:]

    /// Writes the file at `path` (the hashes of the keys, the limits, no presets).
    func write(to path: String) throws {
        let tenants: [JSONValue] = keys.map { entry in
            [
                "id": .string(entry.tenant), "keys_sha256": .array(entry.keys.map { .string(TenantKey.hexDigest(of: $0)) }),
                "limits": limits[entry.tenant] ?? [:], "presets": [:],
            ]
        }
        try JSONValue.object(["tenants": .array(tenants)]).jsonString().write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Runs `body` with the tenants file of one tenant, acme, with `limits` and one fresh key, written
    /// as `tenants.json` in a fresh temporary directory, removed afterwards; `body` gets the key and
    /// the file's path.
    static func withAcme<T>(limits: JSONValue, _ body: (_ key: String, _ file: String) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let key = TenantKey.generate()
        let file = directory.path + "/tenants.json"
        try TestTenants(keys: [("acme", [key])], limits: ["acme": limits]).write(to: file)
        return try await body(key, file)
    }

    /// Runs `body` with the tenants file of two tenants, acme and globex (one fresh key each),
    /// written as `tenants.json` in a fresh temporary directory, removed afterwards.
    static func withTwo<T>(
        _ body: (_ files: TwoTenants) async throws -> T
    ) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let files = TwoTenants(directory: directory.path, acme: TenantKey.generate(), globex: TenantKey.generate())
        try TestTenants(keys: [("acme", [files.acme]), ("globex", [files.globex])]).write(to: files.file)
        return try await body(files)
    }
}

/// The two tenants `TestTenants.withTwo` wrote: where, and their keys.
struct TwoTenants {
    /// The temporary directory (the tenants file's, and free for a test's other files).
    let directory: String
    let acme: String
    let globex: String
    /// The tenants file.
    var file: String { directory + "/tenants.json" }
}
