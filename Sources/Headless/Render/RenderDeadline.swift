/// The instant a render (or one of its conditions) must be done by, for the runners that time their page
/// calls and pauses against it. Cancellation is never turned into a timeout here: a cancelled sleep
/// throws `CancellationError`, which callers let pass.
struct RenderDeadline: Sendable, Hashable {
    let instant: ContinuousClock.Instant

    init(_ instant: ContinuousClock.Instant) {
        self.instant = instant
    }

    /// Time left, at least 1 ms: a page call given what is left still gets a positive timeout and fails
    /// with its own timeout, which the caller reads against `hasPassed`.
    var remaining: Duration { max(.milliseconds(1), instant - .now) }

    /// Whether the deadline is now or behind us.
    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Sleeps `duration`. When that would end past the deadline, sleeps until the deadline and then throws
    /// `timeout` (the caller's typed "ran out of time"). Throws `CancellationError` at once when the task
    /// is cancelled, before or during the sleep.
    func sleep<Timeout: Error>(for duration: Duration, orThrow timeout: @autoclosure () -> Timeout) async throws {
        guard ContinuousClock.now + duration <= instant else {
            try await Task.sleep(until: instant, clock: .continuous)
            throw timeout()
        }
        try await Task.sleep(for: duration)
    }
}
