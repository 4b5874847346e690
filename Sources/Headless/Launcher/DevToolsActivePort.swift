import Foundation

/// The file Chromium writes into its user-data-dir when started with `--remote-debugging-port`:
/// the port on the first line, the browser's WebSocket path on the second.
public struct DevToolsActivePort: Sendable, Equatable {
    public let port: Int
    public let browserPath: String

    /// The browser-level WebSocket URL.
    public var webSocketURL: String { "ws://127.0.0.1:\(port)\(browserPath)" }

    /// Parses the file's text; nil if it is incomplete (Chromium may still be writing it).
    public init?(contents: String) {
        let lines = contents.split(whereSeparator: \.isNewline)
        guard lines.count >= 2, let port = Int(lines[0]), port > 0, lines[1].hasPrefix("/devtools/browser/") else {
            return nil
        }
        self.port = port
        self.browserPath = String(lines[1])
    }

    /// Reads `<userDataDir>/DevToolsActivePort`; nil if absent or incomplete.
    public static func read(userDataDir: String) -> DevToolsActivePort? {
        guard let data = FileManager.default.contents(atPath: fileURL(userDataDir: userDataDir).path) else {
            return nil
        }
        return DevToolsActivePort(contents: String(decoding: data, as: UTF8.self))
    }

    static func fileURL(userDataDir: String) -> URL {
        URL(fileURLWithPath: userDataDir).appendingPathComponent("DevToolsActivePort")
    }
}
