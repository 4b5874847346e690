import Foundation
import RenderTypes
import SessionContext

/// Resolves the profile a render names — `profile`, or the seed's `user_data_dir` — to a profile
/// name under the profiles root. `user_data_dir` is accepted as a profile name or as a path to a
/// directory directly inside the root; `..`, paths elsewhere and symbolic links leading out of the
/// root are refused (invalid params), so a caller can never point Chromium at a directory of its choosing.
struct ProfileLocation: Sendable {
    /// The profiles root (`<data>/profiles`, or CHROME_USER_DATA_DIR), absolute.
    let root: String

    /// A resolver for profiles under `root` (made absolute against the working directory).
    init(root: String) {
        self.root = Self.absolute(root)
    }

    /// Where `tenant`'s profiles live: the root itself for `default` (where profiles lived before
    /// tenants existed), `<root>/@<tenant>` for any other — `@` is no profile name's character, so a
    /// tenant's directory never meets a profile of `default`.
    func forTenant(_ tenant: TenantID) -> ProfileLocation {
        tenant.isDefault ? self : ProfileLocation(root: root + "/" + Self.tenantDirectory(tenant))
    }

    /// A profile's directory relative to the profiles root: `<profile>` for `default`,
    /// `@<tenant>/<profile>` else. What the profile browsers are keyed by, so two tenants' profiles of
    /// one name are two browsers on two directories.
    static func path(of profile: String, tenant: TenantID) -> String {
        tenant.isDefault ? profile : tenantDirectory(tenant) + "/" + profile
    }

    private static func tenantDirectory(_ tenant: TenantID) -> String {
        "@" + tenant.rawValue
    }

    /// `path` made absolute against the working directory, without `.` and `..` components.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The profile name the params name, or nil for none. Throws `RenderingError.invalidParams`.
    func profile(named profile: String?, userDataDir: String?) throws(RenderingError) -> String? {
        let resolved = try userDataDir.map { (value: String) throws(RenderingError) in try resolve(value) }
        guard let profile else { return resolved }
        if let resolved, resolved != profile {
            throw .invalidParams(
                field: "user_data_dir", reason: "names profile \(resolved), but profile says \(profile); send one of them")
        }
        try checkNotLinkingOut(profile, field: "profile")
        return profile
    }

    /// The profile name of a `user_data_dir` value.
    func resolve(_ value: String) throws(RenderingError) -> String {
        func refuse(_ reason: String) -> RenderingError { .invalidParams(field: "user_data_dir", reason: reason) }
        if ProfileName.invalidReason(value) == nil {
            try checkNotLinkingOut(value, field: "user_data_dir")
            return value
        }
        guard value.hasPrefix("/") else {
            throw refuse("must be a profile name ([A-Za-z0-9_-]{1,64}) or an absolute path inside the profiles root")
        }
        let components = value.split(separator: "/", omittingEmptySubsequences: true)
        guard !components.contains(where: { $0 == ".." || $0 == "." }) else { throw refuse("may not contain . or ..") }
        let rootComponents = (Self.realPath(root) ?? root).split(separator: "/", omittingEmptySubsequences: true)
        let literalRoot = root.split(separator: "/", omittingEmptySubsequences: true)
        let parent = Array(components.dropLast())
        guard let name = components.last, parent == rootComponents || parent == literalRoot else {
            throw refuse("must be a directory directly inside the profiles root \(root)")
        }
        guard ProfileName.invalidReason(String(name)) == nil else {
            throw refuse("the directory name must match [A-Za-z0-9_-]{1,64}")
        }
        try checkNotLinkingOut(String(name), field: "user_data_dir")
        return String(name)
    }

    /// Refuses a profile whose directory is (or resolves through) a symbolic link leading outside the
    /// root; a directory that does not exist yet is fine (Chromium creates it).
    func checkNotLinkingOut(_ name: String, field: String) throws(RenderingError) {
        let path = root + "/" + name
        let isLink = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
        guard isLink || FileManager.default.fileExists(atPath: path) else { return }
        guard let resolved = Self.realPath(path), let resolvedRoot = Self.realPath(root),
            resolved.hasPrefix(resolvedRoot + "/"), !resolved.dropFirst(resolvedRoot.count + 1).contains("/")
        else {
            throw .invalidParams(field: field, reason: "is a symbolic link leading out of the profiles root")
        }
    }

    /// `path` with every symbolic link resolved; nil when it does not exist (or dangles).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
