import RenderTypes
import Synchronization

/// Evaluates a `WaitCondition` on a page: leaves through the page's waits, `all` by running every
/// child at once (all must hold), `any` by racing them (the first wins, the rest are cancelled). Each
/// condition's own `timeout_ms` and the render's deadline both bound it. Records every condition met,
/// in the order met.
final class WaitRunner: Sendable {
    /// Why a wait ended without its condition.
    enum Failure: Error, Sendable {
        /// A condition (its summary) did not hold in time.
        case timedOut(String)
        /// The condition cannot work on this page (invalid selector …).
        case invalid(String)
        /// The page or browser went away.
        case crashed(String)
        /// The waiting task was cancelled.
        case cancelled
    }

    let page: Page
    /// The document `load`/`dom_content_loaded` refer to (nil: the current one).
    let loaderId: String?
    let deadline: ContinuousClock.Instant
    let met = Mutex<[String]>([])
    /// Whether a condition that needs the document parsed (`load`, `dom_content_loaded`) held.
    let sawParsedDocument = Atomic<Bool>(false)

    init(page: Page, loaderId: String?, deadline: ContinuousClock.Instant) {
        self.page = page
        self.loaderId = loaderId
        self.deadline = deadline
    }

    /// Waits for `condition`; returns the summaries of every condition met, in order.
    func run(_ condition: WaitCondition) async throws(Failure) -> [String] {
        do {
            try await wait(condition, until: deadline)
        } catch let failure as Failure {
            throw failure
        } catch is CancellationError {
            throw .cancelled
        } catch {
            // Not reached: `leaf` maps every page error, sleeps and task groups throw only cancellation.
            throw .crashed("\(error)")
        }
        return met.withLock { $0 }
    }

    private func wait(_ condition: WaitCondition, until outer: ContinuousClock.Instant) async throws {
        let deadline = condition.timeoutMs.map { min(outer, .now + .milliseconds($0)) } ?? outer
        let timeout = max(.zero, deadline - .now)
        switch condition.kind {
        case .load:
            try await leaf(condition) { try await page.waitFor(.load, loaderId: loaderId, timeout: timeout) }
            sawParsedDocument.store(true, ordering: .relaxed)
        case .domContentLoaded:
            try await leaf(condition) { try await page.waitFor(.domContentLoaded, loaderId: loaderId, timeout: timeout) }
            sawParsedDocument.store(true, ordering: .relaxed)
        case .networkIdle(let idleMs):
            try await leaf(condition) { try await page.waitForNetworkIdle(idle: .milliseconds(idleMs), timeout: timeout) }
        case .selector(let selector, let visible):
            try await leaf(condition) { try await page.waitForSelector(selector, visible: visible, timeout: timeout) }
        case .javascript(let expression):
            try await leaf(condition) { try await page.waitForFunction(expression, timeout: timeout) }
        case .popup(let count):
            try await leaf(condition) { try await page.waitForPopups(count, timeout: timeout) }
        case .download(let count):
            try await leaf(condition) { try await page.waitForDownloads(begun: count, timeout: timeout) }
        case .delay(let ms):
            try await RenderDeadline(deadline).sleep(for: .milliseconds(ms), orThrow: Failure.timedOut(condition.summary))
            record(condition)
        case .all(let conditions):
            try await withThrowingTaskGroup(of: Void.self) { group in
                for child in conditions { group.addTask { try await self.wait(child, until: deadline) } }
                try await group.waitForAll()
            }
            record(condition)
        case .any(let conditions):
            // Each child reports nil when it held, else its failure; a cancelled child (the whole wait
            // was cancelled: the race is only cancelled once it is won) ends the race with its error.
            let failures: [Failure]? = try await withThrowingTaskGroup(of: Failure?.self) { group in
                for child in conditions {
                    group.addTask {
                        do {
                            try await self.wait(child, until: deadline)
                            return nil
                        } catch let failure as Failure {
                            return failure
                        }
                    }
                }
                var collected: [Failure] = []
                for try await failure in group {
                    guard let failure else {
                        group.cancelAll()
                        return nil
                    }
                    collected.append(failure)
                }
                return collected
            }
            if let failures {
                // A crash or an invalid condition says more than "none held in time".
                if let decisive = failures.first(where: { if case .timedOut = $0 { false } else { true } }) { throw decisive }
                throw Failure.timedOut(condition.summary)
            }
            record(condition)
        }
    }

    private func leaf(_ condition: WaitCondition, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PageError {
            switch error {
            case .timeout: throw Failure.timedOut(condition.summary)
            case .cancelled: throw CancellationError()
            case .invalidArgument(let reason), .javascriptError(let reason): throw Failure.invalid(reason)
            case .targetClosed(let reason), .browserClosed(let reason): throw Failure.crashed(reason)
            default: throw Failure.invalid("\(error)")
            }
        }
        record(condition)
    }

    private func record(_ condition: WaitCondition) {
        met.withLock { $0.append(condition.summary) }
    }
}
