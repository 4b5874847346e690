import Foundation
import RenderTypes
import Logging
import SessionContext

/// Removes the on-disk Chromium profile of a session that is deleted or expires (SPEC: removal
/// also deletes the profile). Only names that pass `ProfileName` are turned into paths, so a
/// stored name can never point outside `root`.
struct ProfileDirectories: Sendable {
    let root: String
    let logger: Logger

    /// Deletes `tenant`'s profile `name` (`root/<name>`, or `root/@<tenant>/<name>`) if it exists;
    /// failures are logged, never thrown (the session is gone either way).
    func remove(profile name: String?, tenant: TenantID) {
        guard let name, ProfileName.invalidReason(name) == nil else { return }
        let path = root + "/" + ProfileLocation.path(of: name, tenant: tenant)
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            try FileManager.default.removeItem(atPath: path)
            logger.info("profile removed", metadata: ["profile": "\(name)", "tenant": "\(tenant)"])
        } catch {
            logger.error(
                "profile could not be removed", metadata: ["profile": "\(name)", "tenant": "\(tenant)", "error": "\(error)"])
        }
    }
}
