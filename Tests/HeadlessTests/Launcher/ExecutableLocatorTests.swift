import Foundation
@testable import Headless
import Testing
import TestSupport

@Suite struct ExecutableLocatorTests {
    @Test func missingBrowserErrorIsOneLineNamingTheAptPackage() {
        do {
            _ = try ExecutableLocator.locate(
                engine: .headlessShell, explicitPath: nil, environment: ["PATH": "/nonexistent"],
                installed: "/nonexistent/chromium-headless-shell")
            Issue.record("expected executableNotFound")
        } catch {
            let message = error.description
            #expect(message.contains("apt-get install -y --no-install-recommends chromium-headless-shell"))
            #expect(!message.contains("\n"))
        }
    }

    @Test func chromiumEngineNamesTheChromiumPackage() {
        #expect(throws: LaunchError.self) {
            try ExecutableLocator.locate(
                engine: .chromium, explicitPath: nil, environment: ["PATH": "/nonexistent"], installed: "/nonexistent/c")
        }
        #expect(BrowserEngine.chromium.aptPackage == "chromium")
    }

    @Test func environmentOverrideWinsOverTheInstalledBinary() throws {
        let path = try ExecutableLocator.locate(
            engine: .headlessShell, explicitPath: nil, environment: ["CHROME_EXECUTABLE_PATH": "/bin/sh"])
        #expect(path == "/bin/sh")
    }

    @Test func environmentOverrideThatIsNotExecutableIsReported() throws {
        let file = NSTemporaryDirectory() + "tidepool-not-executable-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: file, contents: Data(), attributes: [.posixPermissions: 0o644]))
        defer { try? FileManager.default.removeItem(atPath: file) }
        #expect(throws: LaunchError.executableNotFound(
            "CHROME_EXECUTABLE_PATH=\(file) does not exist or is not executable")) {
            try ExecutableLocator.locate(
                engine: .headlessShell, explicitPath: nil, environment: ["CHROME_EXECUTABLE_PATH": file])
        }
    }

    @Test func installedRealBinaryIsPreferredOverTheWrapperOnPath() throws {
        let path = try ExecutableLocator.locate(engine: .headlessShell, environment: ["PATH": "/usr/bin"])
        #expect(path == "/usr/lib/chromium/chromium-headless-shell")
    }

    @Test func pathIsSearchedWhenTheInstalledBinaryIsMissing() throws {
        let path = try ExecutableLocator.locate(
            engine: .headlessShell, explicitPath: nil, environment: ["PATH": "/nonexistent:/usr/bin"],
            installed: "/nonexistent/x")
        #expect(path == "/usr/bin/chromium-headless-shell")
    }
}
