/// A setting from the command line or the environment that cannot be used.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The environment name of the setting (its flag is named in `description`).
    public var setting: String
    public var value: String
    /// What the setting accepts.
    public var expected: String

    public init(setting: String, value: String, expected: String) {
        self.setting = setting
        self.value = value
        self.expected = expected
    }

    public var description: String {
        let flag = ServerSettings.named(setting).map { " (--\($0.flag))" } ?? ""
        return "\(setting)\(flag) is \"\(value)\": expected \(expected)"
    }
}
