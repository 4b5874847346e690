import Logging
import RenderTypes
import Synchronization

/// Answers a page's JavaScript dialogs the moment they open, by the render's `DialogPolicy`, and keeps
/// a bounded record of them.
///
/// An open dialog stops its renderer, and with it the command that caused it: a click's
/// `Input.dispatchMouseEvent` or a `Page.navigate` leaving a page with a beforeunload handler does not
/// return until the dialog is answered. So the answer never waits for another command: the responder
/// reads its own subscription (dialog events only) in its own task and sends the answer from there.
final class DialogResponder: Sendable {
    private struct Log {
        var policy = DialogPolicy.default
        var entries: [DialogEntry] = []
        var dropped = 0
    }

    let maxEntries: Int
    private let log = Mutex(Log())

    init(maxEntries: Int = RenderLimits.maxReportedDialogs) {
        self.maxEntries = maxEntries
    }

    /// The policy dialogs opened from now on are answered by.
    var policy: DialogPolicy {
        get { log.withLock { $0.policy } }
        set { log.withLock { $0.policy = newValue } }
    }

    /// The dialogs answered so far, in order, and how many more were answered but not kept.
    var entries: (entries: [DialogEntry], dropped: Int) { log.withLock { ($0.entries, $0.dropped) } }

    /// Answers every dialog of `events` until the stream ends or the task is cancelled. Each dialog is
    /// recorded before its answer goes out, so whatever it blocked finds it recorded when it resumes.
    /// While `previousDocument` says so (a recycled page before its gate: see `RecycleGate`), a dialog
    /// is the previous render's document's: it is dismissed, unrecorded, whatever the policy.
    func run(
        _ events: CDPEventStream, session: CDPSession, timeout: Duration, logger: Logger,
        previousDocument: @Sendable () -> Bool = { false }
    ) async {
        for await event in events {
            let answer: CDP.Page.HandleJavaScriptDialog
            do {
                let dialog = try event.decodeParams(as: CDP.Page.JavascriptDialogOpening.self)
                let kind = DialogEntry.Kind(rawValue: dialog.type) ?? .alert
                guard !previousDocument() else {
                    _ = try? await session.send(CDP.Page.HandleJavaScriptDialog(accept: kind == .beforeunload), timeout: timeout)
                    continue
                }
                let (accept, promptText) = Self.answer(kind, defaultPrompt: dialog.defaultPrompt, policy: policy)
                record(
                    DialogEntry(
                        type: kind, message: dialog.message, url: String(dialog.url.prefix(RenderLimits.maxURLLength)),
                        handled: accept ? .accepted : .dismissed, promptText: promptText
                    )
                )
                answer = .init(accept: accept, promptText: promptText)
            } catch {
                // Unreadable, but still a dialog that stops the page: close it rather than leave it open.
                logger.warning("dialog event not understood; dismissing it", metadata: ["error": "\(error)"])
                answer = .init(accept: false)
            }
            do {
                _ = try await session.send(answer, timeout: timeout)
            } catch {
                // The page went away or navigated meanwhile (the dialog closed with it).
                logger.debug("dialog answer not delivered", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Whether `policy` accepts a dialog of `kind`, and the text a prompt gets (nil unless a prompt is
    /// accepted). A beforeunload is always accepted: the render asked to leave the page.
    static func answer(_ kind: DialogEntry.Kind, defaultPrompt: String?, policy: DialogPolicy) -> (accept: Bool, promptText: String?) {
        switch (kind, policy) {
        case (.beforeunload, _): (true, nil)
        case (_, .dismiss): (false, nil)
        case (.prompt, .accept): (true, defaultPrompt ?? "")
        case (.prompt, .promptText(let text)): (true, text)
        case (_, .accept), (_, .promptText): (true, nil)
        }
    }

    private func record(_ entry: DialogEntry) {
        log.withLock { log in
            if log.entries.count < maxEntries {
                log.entries.append(entry)
            } else {
                log.dropped += 1
            }
        }
    }
}
