import Foundation
public import Logging
import RenderTypes

/// A session's stealth persona in a browser someone else drives (a CDP client's hand-off): every page
/// and worker the browser starts gets the persona's overrides and script before its first script
/// runs, as a render's page does (`Page.applyStealth`), without Tidepool driving the pages.
///
/// Tidepool attaches to the browser target through a session of its own (`Target.attachToBrowserTarget`)
/// and auto-attaches there, paused at start: auto-attach is per session, so the client's own
/// auto-attach on the root session is untouched, and a new target runs once every session that paused
/// it let it go. Each page also auto-attaches its dedicated workers and cross-site frames for Tidepool. Every session of
/// Tidepool's is hidden from the client (`CDPConnection.hideFromClient`), its events never reach it.
public enum HandoffPersona {
    /// Covers `connection`'s browser with `profile` until the connection closes (the returned task ends
    /// then; cancel it to stop earlier). Throws when the browser target cannot be attached.
    public static func cover(
        _ connection: CDPConnection, profile: StealthProfile, browserUserAgent: String, logger: Logger,
        timeout: Duration = .seconds(10)
    ) async throws(CDPError) -> Task<Void, Never> {
        let setups = WorkerPersona.Setups(profile, browserUserAgent: browserUserAgent)
        let browser = try await connection.send(method: "Target.attachToBrowserTarget", timeout: timeout)
        guard let session = browser["sessionId"]?.stringValue else {
            throw .invalidResponse(method: "Target.attachToBrowserTarget", detail: "no sessionId")
        }
        connection.hideFromClient(session)
        let attached = connection.events(sessionId: session, methods: ["Target.attachedToTarget"])
        _ = try await connection.send(
            method: CDP.Target.SetAutoAttach.method,
            params: [
                "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true,
                "filter": [["type": "page"], ["type": "shared_worker"], ["type": "service_worker"]],
            ],
            sessionId: session, timeout: timeout)
        return Task {
            await serve(attached, on: connection, setups: setups, logger: logger)
        }
    }

    /// Prepares each target Tidepool's session attached (and, for a page, its workers), until the
    /// events end.
    private static func serve(
        _ events: CDPEventStream, on connection: CDPConnection, setups: WorkerPersona.Setups, logger: Logger
    ) async {
        await withDiscardingTaskGroup { group in
            for await event in events {
                guard let target = try? event.decodeParams(as: CDP.Target.AttachedToTarget.self) else { continue }
                connection.hideFromClient(target.sessionId)
                switch target.targetInfo.type {
                case "page", "iframe":
                    // Its workers' and frames' announcements, subscribed before its auto-attach goes out
                    // with the setup.
                    let workers = connection.events(sessionId: target.sessionId, methods: ["Target.attachedToTarget"])
                    group.addTask { await WorkerPersona.prepare(target, setup: setups.frame, on: connection, logger: logger) }
                    group.addTask { await serve(workers, on: connection, setups: setups, logger: logger) }
                case "worker", "service_worker", "shared_worker":
                    group.addTask { await WorkerPersona.prepare(target, setup: setups.worker, on: connection, logger: logger) }
                default:
                    group.addTask { await WorkerPersona.prepare(target, setup: [], on: connection, logger: logger) }
                }
            }
        }
    }
}
