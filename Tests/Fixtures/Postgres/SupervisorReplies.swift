import Foundation
import Synchronization

/// The supervisor's answers: bytes arriving in arbitrary chunks, split into lines and queued until
/// a command's caller takes them, one at a time.
final class SupervisorReplies: Sendable {
    private struct State {
        var partial = Data()
        var lines: [String] = []
        var waiter: CheckedContinuation<String?, Never>?
        var ended = false
    }

    private let state = Mutex(State())

    /// Adds `chunk` of output; an empty chunk means the supervisor closed its output.
    func received(_ chunk: Data) {
        let resume = state.withLock { state -> (CheckedContinuation<String?, Never>, String?)? in
            if chunk.isEmpty {
                state.ended = true
            } else {
                state.partial.append(chunk)
                while let newline = state.partial.firstIndex(of: 0x0A) {
                    state.lines.append(String(decoding: state.partial[state.partial.startIndex..<newline], as: UTF8.self))
                    state.partial.removeSubrange(state.partial.startIndex...newline)
                }
            }
            guard let waiter = state.waiter, !state.lines.isEmpty || state.ended else { return nil }
            state.waiter = nil
            return (waiter, state.lines.isEmpty ? nil : state.lines.removeFirst())
        }
        if let (waiter, line) = resume { waiter.resume(returning: line) }
    }

    /// The next line, waiting for it; nil once the supervisor closed its output. One caller at a time.
    func next() async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let ready = state.withLock { state -> String?? in
                if !state.lines.isEmpty { return .some(state.lines.removeFirst()) }
                if state.ended { return .some(nil) }
                precondition(state.waiter == nil, "one reply is awaited at a time")
                state.waiter = continuation
                return .none
            }
            if case .some(let line) = ready { continuation.resume(returning: line) }
        }
    }
}
