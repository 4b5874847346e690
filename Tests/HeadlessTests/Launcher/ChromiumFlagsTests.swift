@testable import Headless
import Testing

@Suite struct ChromiumFlagsTests {
    @Test func pipeLaunchCarriesTheIssuesRequiredSwitches() {
        let flags = ChromiumFlags.arguments(
            engine: .headlessShell, transport: .pipe, userDataDir: "/tmp/x", noSandbox: true, extra: [])
        for required in [
            "--remote-debugging-pipe", "--user-data-dir=/tmp/x", "--no-sandbox", "--disable-dev-shm-usage",
            "--disable-gpu", "--disable-blink-features=AutomationControlled",
        ] {
            #expect(flags.contains(required), "missing \(required)")
        }
        #expect(!flags.contains { $0.hasPrefix("--headless") })
    }

    @Test func chromiumEngineRunsHeadlessNewWithoutTheOmniboxPopup() {
        let flags = ChromiumFlags.arguments(
            engine: .chromium, transport: .pipe, userDataDir: "/tmp/x", noSandbox: false, extra: [])
        #expect(flags.contains("--headless=new"))
        #expect(!flags.contains("--no-sandbox"))
        let disabled = flags.first { $0.hasPrefix("--disable-features=") } ?? ""
        #expect(disabled.contains("WebUIOmniboxPopup"))
        #expect(disabled.contains("WebUIOmniboxAimPopup"))
        #expect(disabled.contains("Translate"))
        #expect(flags.filter { $0.hasPrefix("--disable-features=") }.count == 1)
    }

    @Test func extraFlagReplacesADefaultOfTheSameName() {
        let flags = ChromiumFlags.merge(["--password-store=basic", "--lang=en-US", "--lang=de-DE"])
        #expect(flags == ["--password-store=basic", "--lang=de-DE"])
    }

    @Test func featureListsAreMergedWithoutDuplicates() {
        let flags = ChromiumFlags.merge(["--disable-features=A,B", "--disable-features=B,C", "about:blank"])
        #expect(flags == ["--disable-features=A,B,C", "about:blank"])
    }

    @Test func webSocketLaunchListensOnLoopbackAndAllowsWSClientsOrigin() {
        let flags = ChromiumFlags.arguments(
            engine: .headlessShell, transport: .webSocket, userDataDir: "/tmp/x", noSandbox: true, extra: [])
        #expect(flags.contains("--remote-debugging-port=0"))
        #expect(flags.contains("--remote-debugging-address=127.0.0.1"))
        #expect(flags.contains("--remote-allow-origins=ws://127.0.0.1"))
        #expect(!flags.contains("--remote-debugging-pipe"))
    }
}
