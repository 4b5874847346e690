import AsyncSupport
import Foundation
import Headless
import Logging
import RenderTypes

/// The dedicated Chromium processes of named profiles: Chromium locks a user-data-dir to one process,
/// so every profile renders in its own browser, launched on `<profiles root>/<name>` (kept on close, so
/// cookies, IndexedDB, service workers and cache persist across calls and restarts).
///
/// At most `maxBrowsers` run at once. A profile that needs a browser when all are busy takes the slot
/// of the longest idle one, else waits (until its deadline; at most `maxWaiters` wait, beyond that it
/// is refused as overloaded). A browser unused for `idleTimeout` is closed by `closeIdle`.
actor ProfileBrowsers {
    /// Limits of the profile browsers; defaults are the documented ones.
    struct Configuration: Sendable {
        /// Profile browsers running at once (SPEC `max_profile_browsers`).
        var maxBrowsers: Int = 4
        /// A profile browser unused this long is closed.
        var idleTimeout: Duration = .seconds(120)
        /// Renders waiting for a profile browser at most; more are refused as overloaded.
        var maxWaiters: Int = 64
    }

    typealias Launch = @Sendable (_ userDataDir: String) async throws(LaunchError) -> LaunchedBrowser

    private struct Entry {
        /// Tells a relaunched entry from the one a launch started for.
        let generation: UInt64
        var browser: LaunchedBrowser?
        var launch: Task<Result<LaunchedBrowser, LaunchError>, Never>?
        /// Renders using (or launching) it.
        var users: Int
        var lastUsed: ContinuousClock.Instant
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Bool, Never>
    }

    let configuration: Configuration
    let root: String
    let logger: Logger
    private let launch: Launch
    private var entries: [String: Entry] = [:]
    private var waiters: [Waiter] = []
    /// Profiles whose directory is lent to a browser of someone else's (a CDP client's hand-off):
    /// none of ours may start on it until it comes back (`giveBack`).
    private var lent: Set<String> = []
    private var counter: UInt64 = 0
    /// Browsers taken out of `entries` whose close has not finished: they still count.
    private var closing = 0
    private var closed = false

    init(root: String, configuration: Configuration, logger: Logger, launch: @escaping Launch) {
        self.root = root
        self.configuration = configuration
        self.logger = logger
        self.launch = launch
    }

    /// Browsers running, launching or closing.
    var count: Int { entries.count + closing }

    /// The profile browser of `name`, launched if needed, counted as in use until `release(name)`.
    /// Throws `ContextProviderError`: overloaded, queue timeout, unavailable (launch failed, stopping).
    func acquire(_ name: String, deadline: ContinuousClock.Instant) async throws -> LaunchedBrowser {
        let started = ContinuousClock.now
        while true {
            guard !closed else { throw ContextProviderError.unavailable("the server is stopping") }
            if lent.contains(name) {
                // Chromium locks the directory to one process: wait for the hand-off to end.
                try await waitForSlot(until: deadline, since: started)
                continue
            }
            if var entry = entries[name] {
                if let browser = entry.browser {
                    guard browser.isRunning, browser.connection.closeReason == nil else {
                        logger.warning("profile browser died; relaunching", metadata: ["profile": "\(name)"])
                        entries[name] = nil
                        await shut(browser)
                        continue
                    }
                    entry.users += 1
                    entry.lastUsed = .now
                    entries[name] = entry
                    return browser
                }
                if let launching = entry.launch {
                    entry.users += 1
                    entries[name] = entry
                    return try await finishLaunch(name, generation: entry.generation, launching)
                }
            }
            if count >= configuration.maxBrowsers {
                if let idle = entries.filter({ $0.value.users == 0 && $0.value.browser != nil })
                    .min(by: { $0.value.lastUsed < $1.value.lastUsed })
                {
                    logger.info("closing idle profile browser for another profile", metadata: ["profile": "\(idle.key)"])
                    entries[idle.key] = nil
                    await shut(idle.value.browser)
                    continue
                }
                try await waitForSlot(until: deadline, since: started)
                continue
            }
            counter += 1
            let directory = root + "/" + name
            // A tenant's profile sits one level down (`@<tenant>/<profile>`): its parent may not exist yet.
            try? FileManager.default.createDirectory(
                at: URL(fileURLWithPath: directory).deletingLastPathComponent(), withIntermediateDirectories: true)
            let launch = self.launch
            let launching = Task { () -> Result<LaunchedBrowser, LaunchError> in
                do throws(LaunchError) {
                    return .success(try await launch(directory))
                } catch {
                    return .failure(error)
                }
            }
            entries[name] = Entry(generation: counter, browser: nil, launch: launching, users: 1, lastUsed: .now)
            return try await finishLaunch(name, generation: counter, launching)
        }
    }

    /// One use of `name`'s browser ended.
    func release(_ name: String) {
        guard var entry = entries[name] else { return }
        entry.users = max(0, entry.users - 1)
        entry.lastUsed = .now
        entries[name] = entry
        guard entry.users == 0 else { return }
        // A lender waits for this profile's last user, not for any slot: everyone looks again.
        if lent.contains(name) { wakeAll() } else { wakeOne() }
    }

    /// Lends `name`'s directory to a browser that is not ours (a CDP client's hand-off of a session
    /// with this profile): marks it lent at once, so no render of it starts; waits until the renders
    /// running in its browser end (until `deadline`); closes that browser so the directory is free.
    /// Throws `ContextProviderError` (`queueTimeout` at the deadline, `unavailable` when the profile
    /// is lent already or the server stops). Every successful `lend` needs its `giveBack`.
    func lend(_ name: String, deadline: ContinuousClock.Instant) async throws {
        let started = ContinuousClock.now
        guard !closed else { throw ContextProviderError.unavailable("the server is stopping") }
        guard !lent.contains(name) else {
            throw ContextProviderError.unavailable("profile \(name) is already handed to a CDP client")
        }
        lent.insert(name)
        do {
            while let entry = entries[name] {
                guard !closed else { throw ContextProviderError.unavailable("the server is stopping") }
                if entry.users > 0 || entry.launch != nil {
                    try await waitForSlot(until: deadline, since: started)
                    continue
                }
                entries[name] = nil
                await shut(entry.browser)
                logger.info("profile browser closed", metadata: ["profile": "\(name)", "reason": "handed to a CDP client"])
            }
        } catch {
            giveBack(name)
            throw error
        }
    }

    /// How long closing a profile waits for its lent directory to come back: a hand-off's end reads
    /// the browser's state (10 s at most) and closes it (3 s, then the process group is killed).
    static let lentReturnTimeout: Duration = .seconds(30)

    /// `name`'s directory is ours again (the hand-off's browser closed).
    func giveBack(_ name: String) {
        guard lent.remove(name) != nil else { return }
        wakeAll()
    }

    /// Whether `name`'s directory is lent now.
    func isLent(_ name: String) -> Bool { lent.contains(name) }

    /// Closes `name`'s browser now (its session ends and its directory is about to be removed), in
    /// use or not: renders still running in it fail.
    func close(_ name: String) async {
        // A directory lent to a hand-off comes back once its browser closed (the hand-off's end was
        // signalled by whoever closes the profile): its directory is about to be removed.
        let deadline = ContinuousClock.now + Self.lentReturnTimeout
        while lent.contains(name), !closed, ContinuousClock.now < deadline {
            do {
                try await waitForSlot(until: deadline, since: .now)
            } catch {
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        if lent.contains(name) {
            logger.warning("profile still lent to a CDP hand-off when closed", metadata: ["profile": "\(name)"])
        }
        guard let entry = entries.removeValue(forKey: name) else { return }
        if let browser = entry.browser {
            await shut(browser)
            logger.info("profile browser closed", metadata: ["profile": "\(name)", "reason": "session ended"])
        } else if let launching = entry.launch, case .success(let browser) = await launching.value {
            await shut(browser)
        }
    }

    /// Closes every browser unused for `idleTimeout`.
    func closeIdle() async {
        let now = ContinuousClock.now
        let idle = entries.filter { $0.value.users == 0 && $0.value.browser != nil && now - $0.value.lastUsed >= configuration.idleTimeout }
        for (name, entry) in idle {
            entries[name] = nil
            await shut(entry.browser)
            logger.info("profile browser closed", metadata: ["profile": "\(name)", "reason": "idle"])
        }
    }

    /// Closes every browser and refuses new work (the server stops).
    func closeAll() async {
        closed = true
        wakeAll()
        let all = entries
        entries = [:]
        await withTaskGroup(of: Void.self) { group in
            for (_, entry) in all {
                group.addTask {
                    if let browser = entry.browser {
                        await browser.close()
                    } else if let launching = entry.launch, case .success(let browser) = await launching.value {
                        await browser.close()
                    }
                }
            }
        }
    }

    /// The running profile browsers.
    func figures() -> [BrowserPoolStats.ProfileBrowser] {
        let now = ContinuousClock.now
        return entries.sorted { $0.key < $1.key }.map { name, entry in
            BrowserPoolStats.ProfileBrowser(
                profile: name, pid: entry.browser?.pid, inUse: entry.users,
                idleSeconds: entry.users > 0 ? 0 : Double((now - entry.lastUsed).components.seconds))
        }
    }

    /// Process ids of the running profile browsers.
    func pids() -> [Int32] { entries.values.compactMap { $0.browser?.pid } }

    // MARK: Helpers

    /// Closes a browser already taken out of `entries`, counting it until it is gone, then lets a
    /// waiter have its slot.
    private func shut(_ browser: LaunchedBrowser?) async {
        guard let browser else { return }
        closing += 1
        await browser.close()
        closing -= 1
        wakeOne()
    }

    private func finishLaunch(
        _ name: String, generation: UInt64, _ launching: Task<Result<LaunchedBrowser, LaunchError>, Never>
    ) async throws -> LaunchedBrowser {
        let outcome = await launching.value
        let current = entries[name]
        switch outcome {
        case .success(let browser):
            guard var entry = current, entry.generation == generation else {
                // Closed while it launched (its session ended, or the server stops).
                await browser.close()
                throw ContextProviderError.unavailable("profile \(name) was closed while its browser started")
            }
            if entry.browser == nil {
                entry.browser = browser
                entry.launch = nil
                entries[name] = entry
                logger.info("profile browser started", metadata: ["profile": "\(name)", "pid": "\(browser.pid)"])
            }
            return browser
        case .failure(let error):
            if current?.generation == generation {
                entries[name] = nil
                wakeAll()
            }
            throw ContextProviderError.unavailable("profile \(name): \(error)")
        }
    }

    /// Waits until a browser slot may have freed, or throws at the deadline or when too many wait.
    private func waitForSlot(until deadline: ContinuousClock.Instant, since started: ContinuousClock.Instant) async throws {
        guard waiters.count < configuration.maxWaiters else {
            throw ContextProviderError.overloaded(queueLength: waiters.count, retryAfterMs: 1000)
        }
        guard deadline > .now else {
            throw ContextProviderError.queueTimeout(waitedMs: (ContinuousClock.now - started).wholeMilliseconds)
        }
        counter += 1
        let id = counter
        let timer = Task { [weak self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            if !Task.isCancelled { await self?.abandon(id) }
        }
        defer { timer.cancel() }
        let woken = await withCheckedContinuation { continuation in
            waiters.append(Waiter(id: id, continuation: continuation))
        }
        guard woken else {
            throw ContextProviderError.queueTimeout(waitedMs: (ContinuousClock.now - started).wholeMilliseconds)
        }
    }

    private func abandon(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }

    private func wakeOne() {
        guard !waiters.isEmpty else { return }
        waiters.removeFirst().continuation.resume(returning: true)
    }

    private func wakeAll() {
        let all = waiters
        waiters = []
        for waiter in all { waiter.continuation.resume(returning: true) }
    }
}
