import Foundation
import Logging
import RenderTypes
import Synchronization

/// Gives workers the persona of their page before their first script runs. Dedicated and service
/// workers are reported by their page's own auto-attach (`Page.applyStealth`). Shared workers belong to
/// no page: only the browser target's auto-attach reports them, so the pool turns that on for each
/// of its browsers and each profile browser (`serveSharedWorkers`), and each one gets what its browser
/// context registered for the time of a render (`shareWithSharedWorkers`); one with nothing registered
/// just runs.
enum WorkerPersona {
    typealias Setup = [(method: String, params: JSONValue?)]

    /// What a page's related targets get, in order, before they run: the same persona as the page.
    struct Setups: Sendable {
        /// The emulation overrides of every realm (workers included).
        let overrides: Setup
        /// What a page and each of its frames get: `overrides` and the CSS media features (a worker has
        /// no media queries).
        let windowOverrides: Setup
        /// The JavaScript patches, if the profile has any.
        let script: String?
        /// A worker: the overrides, then the script evaluated (it runs before the worker's own).
        let worker: Setup
        /// An out-of-process frame, like a page: the overrides, the script for each new document,
        /// `navigator.webdriver`, and its own auto-attach of workers and frames.
        let frame: Setup
        /// What a page and each of its out-of-process frames auto-attach: cross-site frames, which run
        /// in a renderer of their own where the page's emulation does not reach (measured on the full
        /// browser; headless-shell keeps them in process), and dedicated and service workers. Workers
        /// are attached even with nothing to give them: `waitForDebuggerOnStart` pauses them whatever
        /// the filter says (Chromium 156, measured), and only an attached one can be let go.
        static let autoAttach = CDP.Target.SetAutoAttach(
            autoAttach: true, waitForDebuggerOnStart: true, filter: ["iframe", "worker", "service_worker"].map { .init(type: $0) })
        private static let autoAttachCommand = autoAttach.untyped

        init(_ profile: StealthProfile, browserUserAgent: String) {
            overrides = Page.stealthOverrides(profile, browserUserAgent: browserUserAgent)
            var windowOverrides = overrides
            if let scheme = profile.colorScheme {
                windowOverrides.append(
                    CDP.Emulation.SetEmulatedMedia(features: [.init(name: "prefers-color-scheme", value: scheme.rawValue)]).untyped)
            }
            self.windowOverrides = windowOverrides
            script = StealthScript.source(for: profile)
            var worker = overrides
            var frame = windowOverrides
            if let script {
                worker.append((CDP.Runtime.Evaluate.method, ["expression": .string(script)]))
                // A frame's Page domain must be on for its scripts to run in its new documents.
                frame.append((CDP.Page.Enable.method, nil))
                frame.append((CDP.Page.AddScriptToEvaluateOnNewDocument.method, ["source": .string(script)]))
            }
            frame.append((CDP.Emulation.SetAutomationOverride.method, ["enabled": .bool(!profile.hideWebdriver)]))
            frame.append(Self.autoAttachCommand)
            self.worker = worker
            self.frame = frame
        }
    }

    /// What new shared workers get, per browser context (`sharingKey`), in the order renders
    /// registered it: the latest registration answers (renders of one profile browser overlap).
    private static let registrations = Mutex<(next: UInt64, byKey: [String: [Registration]])>((0, [:]))

    /// What a render registered for new shared workers: their persona, and where their network events
    /// go (the render's page monitor: a shared worker's script request is announced on the page but
    /// finishes on the worker).
    struct Registration: Sendable {
        let token: UInt64
        let setup: Setup
        let network: @Sendable (CDPEvent) -> Void
    }

    /// The key of a browser context's registrations: its id (unique across browsers), or for the
    /// default context of a browser (a profile's, whose pages are in no created context) its
    /// connection's.
    static func sharingKey(_ browserContextId: String?, on connection: CDPConnection) -> String {
        browserContextId ?? "default@\(ObjectIdentifier(connection).hashValue)"
    }

    /// Registers what new shared workers of the context `key` get, and where their network events go,
    /// until `stopSharing(token, of: key)`.
    static func shareWithSharedWorkers(
        _ setup: Setup, of key: String, network: @escaping @Sendable (CDPEvent) -> Void
    ) -> UInt64 {
        registrations.withLock { state in
            state.next += 1
            state.byKey[key, default: []].append(Registration(token: state.next, setup: setup, network: network))
            return state.next
        }
    }

    /// Ends the registration `token` of `key`.
    static func stopSharing(_ token: UInt64, of key: String) {
        registrations.withLock { state in
            state.byKey[key]?.removeAll { $0.token == token }
            if state.byKey[key]?.isEmpty == true { state.byKey[key] = nil }
        }
    }

    /// The registration a new shared worker of `browserContextId` in `connection`'s browser follows: its
    /// context's latest, else that of the browser's default context (a profile browser's workers name
    /// the default context's id, which its pages never see); nil when neither registered.
    static func sharedRegistration(for browserContextId: String?, on connection: CDPConnection) -> Registration? {
        registrations.withLock { state in
            browserContextId.flatMap { state.byKey[$0]?.last } ?? state.byKey[sharingKey(nil, on: connection)]?.last
        }
    }

    /// Pauses every new shared worker of `connection`'s browser at start and prepares it, until the
    /// connection closes. The browser target's `waitForDebuggerOnStart` also holds every new page (a
    /// popup, a pool's new target), whatever the filter says (Chromium 156): pages are attached too and
    /// let go at once. (They stay attached: detaching one the pool created ended the pool's own session
    /// of it too, measured: its next command failed with "Session with given id not found".)
    static func serveSharedWorkers(on connection: CDPConnection, logger: Logger) async {
        let events = connection.events(sessionId: nil, methods: ["Target.attachedToTarget"])
        do {
            _ = try await connection.send(
                CDP.Target.SetAutoAttach(
                    autoAttach: true, waitForDebuggerOnStart: true, filter: [.init(type: "shared_worker"), .init(type: "page")]),
                timeout: .seconds(10))
        } catch {
            logger.warning("shared workers not covered by stealth", metadata: ["error": "\(error)"])
            return
        }
        await withDiscardingTaskGroup { group in
            for await event in events {
                guard let target = try? event.decodeParams(as: CDP.Target.AttachedToTarget.self) else { continue }
                if target.targetInfo.type == "shared_worker" {
                    let registration = sharedRegistration(for: target.targetInfo.browserContextId, on: connection)
                    var setup = registration?.setup ?? []
                    if let registration {
                        // Until the worker detaches (or the connection closes).
                        let network = connection.events(sessionId: target.sessionId, methods: PageMonitor.networkEvents)
                        group.addTask { for await event in network { registration.network(event) } }
                        setup.insert((CDP.Network.Enable.method, nil), at: 0)
                    }
                    group.addTask { await prepare(target, setup: setup, on: connection, logger: logger) }
                } else {
                    group.addTask { await prepare(target, setup: [], on: connection, logger: logger) }
                }
            }
        }
    }

    /// Sends `setup` to the attached worker, in order, then lets it run. A failed override is logged and
    /// the worker still runs (one left paused would hang its page).
    static func prepare(
        _ worker: CDP.Target.AttachedToTarget, setup: Setup, on connection: CDPConnection, logger: Logger
    ) async {
        var commands = setup
        if worker.waitingForDebugger { commands.append((CDP.Runtime.RunIfWaitingForDebugger.method, nil)) }
        let results = await connection.send(inOrder: commands, sessionId: worker.sessionId, timeout: .seconds(5))
        for (command, result) in zip(commands, results) {
            if case .failure(let error) = result {
                logger.debug(
                    "worker override failed",
                    metadata: ["worker": "\(worker.targetInfo.type)", "method": "\(command.method)", "error": "\(error)"])
            }
        }
    }
}
