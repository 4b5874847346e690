import NIOCore

/// The point in time a call (all its attempts and waits) must finish by.
struct CallDeadline: Sendable {
    /// The time the call was given.
    let timeout: Duration
    let instant: ContinuousClock.Instant

    init(timeout: Duration, now: ContinuousClock.Instant = .now) {
        self.timeout = timeout
        self.instant = now.advanced(by: timeout)
    }

    /// Time left; zero or negative once the deadline passed.
    var remaining: Duration { ContinuousClock.now.duration(to: instant) }

    var hasPassed: Bool { remaining <= .zero }

    /// The same deadline for SwiftNIO / AsyncHTTPClient.
    var nioDeadline: NIODeadline {
        .now() + TimeAmount(remaining)
    }
}
