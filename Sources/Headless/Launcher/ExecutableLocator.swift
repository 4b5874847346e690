#if canImport(Glibc)
import Glibc
#endif

/// Finds the Chromium binary for an engine: an explicit path, then `CHROME_EXECUTABLE_PATH`, then the
/// engine's real binary under /usr/lib/chromium, then the engine's commands on PATH.
public enum ExecutableLocator {
    /// The binary to run, or `LaunchError.executableNotFound` with one line naming the apt package.
    public static func locate(
        engine: BrowserEngine,
        explicitPath: String? = nil,
        environment: [String: String]
    ) throws(LaunchError) -> String {
        try locate(engine: engine, explicitPath: explicitPath, environment: environment, installed: engine.installedBinary)
    }

    /// `locate` with the installed binary's path injectable (tests use a path that does not exist).
    static func locate(
        engine: BrowserEngine,
        explicitPath: String?,
        environment: [String: String],
        installed: String
    ) throws(LaunchError) -> String {
        if let explicitPath {
            guard isExecutable(explicitPath) else {
                throw .executableNotFound("Chromium executable \(explicitPath) does not exist or is not executable")
            }
            return explicitPath
        }
        if let fromEnvironment = environment["CHROME_EXECUTABLE_PATH"], !fromEnvironment.isEmpty {
            guard isExecutable(fromEnvironment) else {
                throw .executableNotFound(
                    "CHROME_EXECUTABLE_PATH=\(fromEnvironment) does not exist or is not executable")
            }
            return fromEnvironment
        }
        if isExecutable(installed) { return installed }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for command in engine.pathCommands {
            for directory in searchPath.split(separator: ":") where !directory.isEmpty {
                let candidate = "\(directory)/\(command)"
                if isExecutable(candidate) { return candidate }
            }
        }
        throw .executableNotFound(
            "no Chromium found for engine \(engine.rawValue): install it with "
                + "`apt-get install -y --no-install-recommends \(engine.aptPackage)` or set CHROME_EXECUTABLE_PATH")
    }

    static func isExecutable(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}
