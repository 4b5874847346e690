public import Logging
public import SessionContext
import Synchronization

/// The tenants a server knows, read from its tenants file at start and again on each `reload()`
/// (SIGHUP): a request's key picks its tenant. A file that fails its checks on reload changes
/// nothing — the tenants read before stay — and is reported in one error line.
public final class TenantDirectory: Sendable {
    /// The tenants file.
    public let path: String
    private let current: Mutex<TenantsFile>
    private let observers = Mutex<[@Sendable (TenantsFile) -> Void]>([])

    /// Reads the file at `path`; throws `TenantsFileError` naming the file, tenant and field at fault.
    public init(path: String) throws(TenantsFileError) {
        self.path = path
        current = Mutex(try TenantsFile.load(path: path))
    }

    /// The tenants as last read.
    public var file: TenantsFile {
        current.withLock { $0 }
    }

    /// Reads the file again and serves from it when it passes its checks; otherwise keeps the tenants
    /// read before. Logs one line either way; returns whether the new file was taken.
    @discardableResult
    public func reload(logger: Logger) -> Bool {
        do {
            let file = try TenantsFile.load(path: path)
            current.withLock { $0 = file }
            for observer in observers.withLock({ $0 }) { observer(file) }
            logger.info(
                "tenants file reloaded",
                metadata: ["path": "\(path)", "tenants": "\(file.tenants.count)", "keys": "\(file.tenants.map(\.keyHashes.count).reduce(0, +))"])
            return true
        } catch {
            logger.error("tenants file not reloaded, keeping the tenants read before: \(error)", metadata: ["path": "\(path)"])
            return false
        }
    }

    /// Calls `observer` with the tenants now, and again after each reload that took a new file.
    public func observe(_ observer: @escaping @Sendable (TenantsFile) -> Void) {
        observers.withLock { $0.append(observer) }
        observer(file)
    }

    /// The render presets of `tenant` as last read (none for a tenant the file does not list).
    public func presets(of tenant: TenantID) -> [String: RenderPreset] {
        current.withLock { file in file.tenants.first { $0.id == tenant }?.presets ?? [:] }
    }

    /// The tenant whose key is `key`, or nil. Compares the key's SHA-256 with every stored hash in
    /// constant time each, all of them whatever matches, so the time taken says nothing of which
    /// tenant (or which bytes) came close.
    public func tenant(forKey key: some Collection<UInt8>) -> TenantID? {
        let digest = TenantKey.digest(of: key)
        let tenants = current.withLock { $0.tenants }
        var found: TenantID?
        for tenant in tenants {
            for hash in tenant.keyHashes where ConstantTime.equals(digest, hash) {
                found = tenant.id
            }
        }
        return found
    }
}
