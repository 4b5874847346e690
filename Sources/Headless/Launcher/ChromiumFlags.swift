/// The command line of a launched browser: the issue's required switches, quiet defaults, the engine's
/// own switches, then the caller's extras (which override by switch name; feature lists merge).
enum ChromiumFlags {
    /// Switches every browser gets (besides transport, user-data-dir and sandbox).
    static let defaults: [String] = [
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-blink-features=AutomationControlled",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--disable-breakpad",
        "--disable-domain-reliability",
        "--disable-client-side-phishing-detection",
        "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows",
        "--disable-renderer-backgrounding",
        "--disable-hang-monitor",
        "--disable-ipc-flooding-protection",
        "--disable-popup-blocking",
        "--disable-prompt-on-repost",
        "--metrics-recording-only",
        "--password-store=basic",
        "--use-mock-keychain",
        "--no-service-autorun",
        "--mute-audio",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
    ]

    static let mergedLists: Set<String> = ["--enable-features", "--disable-features", "--disable-blink-features"]

    /// The full argument list (without argv[0]).
    static func arguments(
        engine: BrowserEngine,
        transport: LaunchOptions.Transport,
        userDataDir: String,
        noSandbox: Bool,
        extra: [String]
    ) -> [String] {
        var flags: [String] = []
        switch transport {
        case .pipe:
            flags.append("--remote-debugging-pipe")
        case .webSocket:
            // WSClient sends `Origin: ws://127.0.0.1`; Chromium refuses unknown origins with 403.
            flags += ["--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--remote-allow-origins=ws://127.0.0.1"]
        }
        flags.append("--user-data-dir=\(userDataDir)")
        if noSandbox { flags.append("--no-sandbox") }
        flags += defaults
        flags += engine.engineFlags
        flags += extra
        return merge(flags)
    }

    /// Keeps one occurrence per switch: the last value wins, except comma lists, which are merged in
    /// order without duplicates. Positional arguments (no leading `--`) stay in place.
    static func merge(_ flags: [String]) -> [String] {
        var order: [String] = []
        var values: [String: String?] = [:]
        var lists: [String: [String]] = [:]
        var positional: [String] = []
        for flag in flags {
            guard flag.hasPrefix("--") else {
                positional.append(flag)
                continue
            }
            let parts = flag.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : nil
            if values[name] == nil && lists[name] == nil { order.append(name) }
            if mergedLists.contains(name) {
                let items = (value ?? "").split(separator: ",").map(String.init).filter { !$0.isEmpty }
                var existing = lists[name] ?? []
                for item in items where !existing.contains(item) { existing.append(item) }
                lists[name] = existing
            } else {
                values[name] = .some(value)
            }
        }
        var result: [String] = order.map { name in
            if let list = lists[name] { return "\(name)=\(list.joined(separator: ","))" }
            if let value = values[name] ?? nil { return "\(name)=\(value)" }
            return name
        }
        result += positional
        return result
    }
}
