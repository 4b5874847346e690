import Testing

/// Parent of every suite of the CDP/pool area that starts real Chromium: serialized as a whole, so
/// these suites never run browsers in parallel with each other on the 2-core machine.
@Suite(.serialized) enum Chromium {}
