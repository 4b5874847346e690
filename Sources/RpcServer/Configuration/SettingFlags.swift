/// `tidepool serve`'s settings on the command line: `--flag value` or `--flag=value`, each flag one
/// of `ServerSettings.all`. The values come back keyed by environment name, so a flag and its
/// variable go through the same `apply`.
extension ServerSettings {
    /// The values `arguments` give, keyed by environment name (of a flag given twice, the last
    /// wins). Throws `SettingFlagError` for an unknown flag, a flag without its value, or anything
    /// that is not a flag.
    public static func values(fromFlags arguments: [String]) throws(SettingFlagError) -> [String: String] {
        var values: [String: String] = [:]
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("--"), argument.count > 2 else { throw .unexpectedArgument(argument) }
            let body = argument.dropFirst(2)
            let equals = body.firstIndex(of: "=")
            let name = String(body[..<(equals ?? body.endIndex)])
            guard let setting = flagged(name) else { throw .unknownFlag("--\(name)") }
            if let equals {
                values[setting.environmentName] = String(body[body.index(after: equals)...])
            } else if setting.isBoolean, rest.first.map({ ServerSettings.isBooleanWord($0) }) != true {
                // A yes/no flag alone means yes.
                values[setting.environmentName] = "true"
            } else if let value = rest.popFirst(), !value.hasPrefix("--") {
                values[setting.environmentName] = value
            } else {
                throw .missingValue(flag: "--\(name)")
            }
        }
        return values
    }
}

/// A command line that does not spell `tidepool serve`'s settings right.
public enum SettingFlagError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No setting has this flag.
    case unknownFlag(String)
    /// The flag has no value after it (use `--flag=value` for a value starting with `--`).
    case missingValue(flag: String)
    /// Something other than a flag where a flag was expected.
    case unexpectedArgument(String)

    /// One line in ArgumentParser's words, with what to do.
    public var description: String {
        switch self {
        case .unknownFlag(let flag): "Unknown option '\(flag)': 'tidepool serve --help' lists every setting"
        case .missingValue(let flag): "Missing value for '\(flag) <value>' (or give it as \(flag)=<value>)"
        case .unexpectedArgument(let argument): "Unexpected argument '\(argument)': settings are --flag value"
        }
    }
}
