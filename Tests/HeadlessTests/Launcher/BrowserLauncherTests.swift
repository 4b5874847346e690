import Foundation
import Glibc
@testable import Headless
import RenderTypes
import Testing
import TestSupport

/// Real Chromium: launch, CDP over both transports, crash and kill behaviour, cleanup.
extension Chromium {
@Suite struct BrowserLauncherTests {
    @Test func launchedShellAttachesNavigatesAndEvaluates() async throws {
        try await TestBrowsers.with { browser in
            #expect(browser.version.product.contains("HeadlessChrome"))
            let page = try await TestBrowsers.openPage(in: browser).session
            let loaded = page.events(methods: ["Page.loadEventFired"])
            let navigation = try await page.send(CDP.Page.Navigate(url: "data:text/html,<title>hi</title><p>x</p>"))
            #expect(navigation.errorText == nil)
            _ = await loaded.first(method: "Page.loadEventFired")
            let title = try await page.send(CDP.Runtime.Evaluate(expression: "document.title"))
            #expect(title.result.value == "hi")
            let sum = try await page.send(method: "Runtime.evaluate", params: ["expression": "6*7", "returnByValue": true])
            #expect(sum["result"]?["value"] == 42)
        }
    }

    @Test func chromiumEngineLaunchesHeadlessNewAndEvaluates() async throws {
        try await TestBrowsers.with(LaunchOptions(engine: .chromium)) { browser in
            #expect(browser.arguments.contains("--headless=new"))
            #expect(browser.executablePath == "/usr/lib/chromium/chromium")
            let page = try await TestBrowsers.openPage(in: browser).session
            let reply = try await page.send(CDP.Runtime.Evaluate(expression: "navigator.userAgent"))
            #expect(reply.result.value?.stringValue?.contains("Chrome/") == true)
        }
    }

    @Test func commandWithoutReplyTimesOutAndTheConnectionStaysUsable() async throws {
        try await TestBrowsers.with { browser in
            let page = try await TestBrowsers.openPage(in: browser).session
            await #expect(throws: CDPError.timeout(method: "Runtime.evaluate", afterMs: 200)) {
                try await page.send(
                    CDP.Runtime.Evaluate(expression: "new Promise(() => {})", awaitPromise: true),
                    timeout: .milliseconds(200))
            }
            let again = try await page.send(CDP.Runtime.Evaluate(expression: "1 + 1"))
            #expect(again.result.value == 2)
        }
    }

    @Test func killNineMidCommandFailsPendingCommandsWithBrowserClosedAndLeavesNoProcess() async throws {
        let browser = try await BrowserLauncher.launch(logger: testLogger())
        let page = try await TestBrowsers.openPage(in: browser).session
        let group = browser.process.processGroup
        #expect(ProcessTable.liveMembers(ofGroup: group).count > 1)
        let pending = (0..<3).map { _ in
            Task {
                try await page.send(
                    CDP.Runtime.Evaluate(expression: "new Promise(() => {})", awaitPromise: true),
                    timeout: .seconds(60))
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        kill(browser.pid, SIGKILL)
        for command in pending {
            let result = await command.result
            guard case .failure(let error) = result, case .browserClosed = error as? CDPError else {
                Issue.record("expected browserClosed, got \(result)")
                continue
            }
        }
        #expect(await browser.process.waitForExit(timeout: .seconds(10)) == .signaled(signal: SIGKILL))
        await browser.close()
        #expect(ProcessTable.liveMembers(ofGroup: group).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: browser.userDataDir))
    }

    @Test func rendererCrashFailsThatPageWithTargetClosedWhileTheBrowserLives() async throws {
        try await TestBrowsers.with { browser in
            let page = try await TestBrowsers.openPage(in: browser).session
            let other = try await TestBrowsers.openPage(in: browser).session
            let pending = Task {
                try await page.send(
                    CDP.Runtime.Evaluate(expression: "new Promise(() => {})", awaitPromise: true), timeout: .seconds(60))
            }
            try await Task.sleep(for: .milliseconds(100))
            _ = try? await page.send(CDP.Page.Crash(), timeout: .seconds(5))
            let result = await pending.result
            guard case .failure(let error) = result, case .targetClosed(let sessionId, _) = error as? CDPError else {
                Issue.record("expected targetClosed, got \(result)")
                return
            }
            #expect(sessionId == page.sessionId)
            await #expect(throws: CDPError.self) { try await page.send(CDP.Runtime.Evaluate(expression: "1")) }
            #expect(page.closeReason != nil)
            #expect(try await other.send(CDP.Runtime.Evaluate(expression: "3")).result.value == 3)
            _ = try await browser.connection.send(CDP.Browser.GetVersion())
        }
    }

    @Test func webSocketTransportDrivesABrowserStartedWithADebuggingPort() async throws {
        try await TestBrowsers.with(LaunchOptions(transport: .webSocket)) { browser in
            #expect(browser.arguments.contains("--remote-debugging-port=0"))
            let port = try #require(DevToolsActivePort.read(userDataDir: browser.userDataDir))
            #expect(port.port > 0)
            let page = try await TestBrowsers.openPage(in: browser).session
            // A reply far larger than WSClient's default 16 KiB frame limit.
            let big = try await page.send(CDP.Runtime.Evaluate(expression: "'x'.repeat(3 * 1024 * 1024)"))
            #expect(big.result.value?.stringValue?.count == 3 * 1024 * 1024)
        }
    }

    @Test func secondWebSocketClientCanDriveTheSameBrowser() async throws {
        try await TestBrowsers.with(LaunchOptions(transport: .webSocket)) { browser in
            let port = try #require(DevToolsActivePort.read(userDataDir: browser.userDataDir))
            let transport = try await WebSocketTransport.connect(url: port.webSocketURL)
            let connection = CDPConnection(transport: transport)
            let version = try await connection.send(CDP.Browser.GetVersion())
            #expect(version.product == browser.version.product)
            await connection.close()
            // Closing our socket leaves the browser running.
            _ = try await browser.connection.send(CDP.Browser.GetVersion())
        }
    }

    @Test func webSocketToABrowserThatRefusesOurOriginFailsWithAConnectError() async throws {
        let tmp = try TemporaryDirectory()
        let options = LaunchOptions(
            extraFlags: ["--remote-allow-origins=http://elsewhere.invalid"], transport: .webSocket,
            temporaryDirectory: tmp.path)
        do {
            let browser = try await BrowserLauncher.launch(options, logger: testLogger())
            await browser.close()
            Issue.record("connected although Chromium refuses the Origin WSClient sends")
        } catch {
            guard case .connectFailed = error else {
                Issue.record("expected connectFailed, got \(error)")
                return
            }
        }
        #expect(TestPools.leftoverProcesses(under: tmp.path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path).isEmpty)
    }

    @Test func extraFlagsReachTheBrowser() async throws {
        // headless-shell takes the language from --accept-lang (--lang is ignored there).
        try await TestBrowsers.with(LaunchOptions(extraFlags: ["--accept-lang=de-DE", "--window-size=1111,777"])) {
            browser in
            #expect(browser.arguments.contains("--accept-lang=de-DE"))
            let page = try await TestBrowsers.openPage(in: browser).session
            let seen = try await page.send(CDP.Runtime.Evaluate(expression: "[navigator.language, outerWidth]"))
            #expect(seen.result.value == ["de-DE", 1111])
        }
    }

    @Test func temporaryUserDataDirIsRemovedWhenTheBrowserCloses() async throws {
        let browser = try await BrowserLauncher.launch(logger: testLogger())
        #expect(browser.ownsUserDataDir)
        #expect(FileManager.default.fileExists(atPath: browser.userDataDir))
        await browser.close()
        #expect(!FileManager.default.fileExists(atPath: browser.userDataDir))
        #expect(!browser.isRunning)
    }

    @Test func callerProfileDirIsUsedAndKept() async throws {
        let root = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let profile = root + "/profiles/alice"
        try await TestBrowsers.with(LaunchOptions(userDataDir: profile)) { browser in
            #expect(!browser.ownsUserDataDir)
            #expect(browser.arguments.contains("--user-data-dir=\(profile)"))
        }
        let contents = try FileManager.default.contentsOfDirectory(atPath: profile)
        #expect(!contents.isEmpty)
    }

    @Test func closeIsIdempotentAndConcurrentClosersAllReturn() async throws {
        let browser = try await BrowserLauncher.launch(logger: testLogger())
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { await browser.close() } }
        }
        await browser.close()
        #expect(!browser.isRunning)
        #expect(ProcessTable.liveMembers(ofGroup: browser.pid).isEmpty)
    }

    @Test func closeCompletesEvenWhenTheClosingTaskIsCancelled() async throws {
        let browser = try await BrowserLauncher.launch(logger: testLogger())
        let closer = Task { await browser.close() }
        closer.cancel()
        await closer.value
        #expect(!browser.isRunning)
        #expect(ProcessTable.liveMembers(ofGroup: browser.pid).isEmpty)
    }

    @Test func cancelledLaunchLeavesNoProcessAndNoDirectory() async throws {
        let tmp = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let launch = Task { try await BrowserLauncher.launch(LaunchOptions(temporaryDirectory: tmp), logger: testLogger()) }
        try await Task.sleep(for: .milliseconds(20))
        launch.cancel()
        switch await launch.result {
        case .success(let browser):
            await browser.close()  // finished before the cancel landed; still must clean up
        case .failure(let error):
            #expect(error as? LaunchError == .cancelled)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
        let leftovers = ProcessTable.snapshot().filter { !$0.isZombie && $0.command.contains("chromium") }
            .filter { entry in
                (ProcessTable.readFile("/proc/\(entry.pid)/cmdline") ?? "").contains(tmp)
            }
        #expect(leftovers.isEmpty)
    }

    @Test func missingExecutableFailsLaunchWithOneClearLine() async {
        await #expect(throws: LaunchError.executableNotFound(
            "Chromium executable /nonexistent/chrome does not exist or is not executable")) {
            try await BrowserLauncher.launch(LaunchOptions(executablePath: "/nonexistent/chrome"))
        }
    }

    @Test func browserThatExitsAtOnceReportsItsStatus() async {
        // /bin/false stands in for a Chromium that dies before answering.
        do {
            _ = try await BrowserLauncher.launch(LaunchOptions(executablePath: "/bin/false"), logger: testLogger())
            Issue.record("launch of /bin/false succeeded")
        } catch {
            guard case .exitedDuringStartup(let status, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(status == "exit code 1")
        }
    }
}
}
