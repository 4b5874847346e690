package import Logging

/// The logger of test scaffolding and of the servers and browsers tests start: warnings and worse
/// only (`level` says otherwise), so test output stays readable.
package func testLogger(_ label: String = "tidepool.test", level: Logger.Level = .warning) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
}
