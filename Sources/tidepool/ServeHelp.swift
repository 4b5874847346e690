import RpcServer

/// The settings part of `tidepool serve --help`, generated from `ServerSettings`: every flag with
/// its help, its environment variable and its default, read off `TidepoolServer.Configuration()`.
enum ServeHelp {
    /// Where the help of a setting starts, as in ArgumentParser's own OPTIONS section.
    static let labelWidth = 26
    /// Lines stay under ArgumentParser's 80 columns, so it never re-wraps them.
    static let width = 79

    static let settings: String = """
        Each setting comes from its flag (--flag value or --flag=value), else from its environment \
        variable, else from its default. See docs/operations.md.

        SETTINGS:
        \(ServerSettings.all.map(entry).joined(separator: "\n"))
        """

    /// `  --port <value>          Port to bind; … [env: TIDEPOOL_PORT] (default: 9123)`, wrapped.
    static func entry(_ setting: ServerSetting) -> String {
        let label = "  --\(setting.flag) <value>"
        let text = "\(setting.help) [env: \(setting.environmentName)] (default: \(setting.defaultValue ?? "none"))"
        let indent = String(repeating: " ", count: labelWidth)
        let lines = wrap(text, to: width - labelWidth).map { indent + $0 }
        guard label.count < labelWidth, let first = lines.first else {
            return ([label] + lines).joined(separator: "\n")
        }
        return ([label + first.dropFirst(label.count)] + lines.dropFirst()).joined(separator: "\n")
    }

    /// `text` in lines of at most `width` characters, broken between words.
    static func wrap(_ text: String, to width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
