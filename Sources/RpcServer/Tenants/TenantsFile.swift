import Foundation
import RenderTypes
public import Rendering
public import SessionContext

/// The tenants file (`--tenants-file`): which API keys belong to which tenant, and each tenant's
/// limits and presets. Keys are stored only as the hex SHA-256 of the key.
///
/// ```json
/// {"tenants": [{"id": "acme", "keys_sha256": ["<64 hex digits>"], "limits": {}, "presets": {}}]}
/// ```
///
/// Read strictly: an unknown member, a duplicate key, a tenant named twice or a key hash given to
/// two tenants is refused, naming the file, the tenant and the field. `limits` is checked as
/// `TenantLimits` (an unknown limit is refused, named `limits.<name>`); `presets` maps preset names
/// to `RenderPreset`s, each checked as a render's config would be.
public struct TenantsFile: Sendable, Hashable {
    /// One tenant of the file.
    public struct Tenant: Sendable, Hashable {
        public var id: TenantID
        /// The SHA-256 of each of its keys (32 bytes each).
        public var keyHashes: [[UInt8]]
        /// `limits`, checked (unknown names refused); enforced by the render path and session creation.
        public var limits: TenantLimits
        /// Its render presets by name (`RenderPreset`).
        public var presets: [String: RenderPreset]

        public init(id: TenantID, keyHashes: [[UInt8]], limits: TenantLimits = .none, presets: [String: RenderPreset] = [:]) {
            self.id = id
            self.keyHashes = keyHashes
            self.limits = limits
            self.presets = presets
        }
    }

    /// Where it was read from.
    public var path: String
    /// Its tenants, in the file's order.
    public var tenants: [Tenant]

    public init(path: String, tenants: [Tenant]) {
        self.path = path
        self.tenants = tenants
    }

    /// Reads and checks the file at `path`; throws `TenantsFileError` naming what is wrong.
    public static func load(path: String) throws(TenantsFileError) -> TenantsFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TenantsFileError(path: path, field: nil, reason: "cannot be read: \(error.localizedDescription)")
        }
        return try parse(Array(data), path: path)
    }

    /// Checks `bytes` as the contents of a tenants file at `path`.
    public static func parse(_ bytes: [UInt8], path: String) throws(TenantsFileError) -> TenantsFile {
        func refuse(_ field: String?, _ reason: String, tenant: String? = nil) -> TenantsFileError {
            TenantsFileError(path: path, tenant: tenant, field: field, reason: reason)
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw refuse(nil, "is not valid JSON: \(error)")
        }
        guard let top = document.objectValue else { throw refuse(nil, "must be a JSON object {\"tenants\": [...]}") }
        if let unknown = top.keys.sorted().first(where: { $0 != "tenants" }) { throw refuse(unknown, "unknown field") }
        guard let entries = top["tenants"]?.arrayValue else { throw refuse("tenants", "must be an array of tenants") }
        var tenants: [Tenant] = []
        var owners: [[UInt8]: TenantID] = [:]
        for (index, entry) in entries.enumerated() {
            let at = "tenants[\(index)]"
            guard let fields = entry.objectValue else { throw refuse(at, "must be an object") }
            guard let idText = fields["id"]?.stringValue else { throw refuse("\(at).id", "must be a string") }
            guard let id = TenantID(idText) else {
                throw refuse("\(at).id", "\"\(idText)\" \(TenantID.invalidReason(idText) ?? "is invalid")")
            }
            let name = id.rawValue
            if tenants.contains(where: { $0.id == id }) { throw refuse("id", "names a tenant already listed", tenant: name) }
            let known: Set = ["id", "keys_sha256", "limits", "presets"]
            if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
                throw refuse(unknown, "unknown field (a tenant has id, keys_sha256, limits, presets)", tenant: name)
            }
            guard let keys = fields["keys_sha256"]?.arrayValue else {
                throw refuse("keys_sha256", "must be an array of hex SHA-256 digests of the tenant's keys", tenant: name)
            }
            var hashes: [[UInt8]] = []
            for (keyIndex, key) in keys.enumerated() {
                let field = "keys_sha256[\(keyIndex)]"
                guard let text = key.stringValue, let hash = TenantKey.digest(hex: text) else {
                    throw refuse(
                        field, "must be 64 hex digits, the SHA-256 of a key (`tidepool tenant new-key` prints one)", tenant: name)
                }
                if let owner = owners[hash] {
                    throw refuse(field, owner == id ? "is listed twice" : "is also a key of tenant \(owner)", tenant: name)
                }
                owners[hash] = id
                hashes.append(hash)
            }
            var objects: [String: [String: JSONValue]] = [:]
            for field in ["limits", "presets"] {
                guard let value = fields[field] else { continue }
                guard let object = value.objectValue else { throw refuse(field, "must be a JSON object", tenant: name) }
                objects[field] = object
            }
            let limits: TenantLimits
            do throws(TenantLimits.LimitsError) {
                limits = try TenantLimits.parse(objects["limits"] ?? [:])
            } catch {
                throw refuse("limits.\(error.field)", error.reason, tenant: name)
            }
            var presets: [String: RenderPreset] = [:]
            for (presetName, value) in (objects["presets"] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard RenderPreset.isValidName(presetName) else {
                    throw refuse("presets.\(presetName)", "a preset name is \(RenderPreset.namePattern)", tenant: name)
                }
                do throws(FieldError) {
                    presets[presetName] = try RenderPreset.parse(value)
                } catch {
                    let field = error.field.isEmpty ? "presets.\(presetName)" : "presets.\(presetName).\(error.field)"
                    throw refuse(field, error.reason, tenant: name)
                }
            }
            tenants.append(Tenant(id: id, keyHashes: hashes, limits: limits, presets: presets))
        }
        return TenantsFile(path: path, tenants: tenants)
    }
}

/// What is wrong with a tenants file: the file, the tenant (when one is at fault) and the field.
public struct TenantsFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    /// The tenant at fault, by id; nil when the fault is outside any tenant (or its id is the fault).
    public var tenant: String?
    /// The field at fault (`keys_sha256[1]`, `tenants[2].id`); nil for the file as a whole.
    public var field: String?
    public var reason: String

    public init(path: String, tenant: String? = nil, field: String?, reason: String) {
        self.path = path
        self.tenant = tenant
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var text = "tenants file \(path)"
        if let tenant { text += ": tenant \"\(tenant)\"" }
        if let field { text += ": \(field)" }
        return text + ": " + reason
    }
}
