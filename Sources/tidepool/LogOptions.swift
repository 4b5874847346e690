import ArgumentParser
import Logging
import RpcServer

/// `--log-level`, else `TIDEPOOL_LOG_LEVEL`, else `info`: how much a command logs on stderr (the
/// server's requests; the client's retries at `debug`).
struct LogOptions: ParsableArguments {
    static let environmentName = "TIDEPOOL_LOG_LEVEL"
    static let defaultLevel = Logger.Level.info
    /// "trace, debug, … or critical": every level swift-log knows.
    static let levels: String = {
        let names = Logger.Level.allCases.map(\.rawValue)
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }()

    @Option(
        help: ArgumentHelp(
            "\(LogOptions.levels) [env: \(LogOptions.environmentName)] (default: \(LogOptions.defaultLevel)).",
            valueName: "level"
        )
    )
    var logLevel: String?

    /// The level asked for. Throws `ConfigurationError` for a level swift-log does not know.
    func level(in environment: [String: String]) throws(ConfigurationError) -> Logger.Level {
        guard let text = logLevel ?? environment[Self.environmentName] else { return Self.defaultLevel }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            throw ConfigurationError(setting: Self.environmentName, value: text, expected: Self.levels)
        }
        return level
    }

    /// Sends every log line of this process to stderr at `level` (once, before any logger is made).
    static func bootstrap(_ level: Logger.Level) {
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, level: level) }
    }
}
