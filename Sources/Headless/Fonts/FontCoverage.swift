import Foundation

/// Which of the world's scripts this machine has a font for, as fontconfig (Chromium's font source on
/// Linux) sees it. Without one, a page's text in that script is drawn as empty boxes: `health` reports
/// the coverage and a render warns when its page uses a script that has no font.
public struct FontCoverage: Sendable, Hashable {
    /// A script a font must cover, with fontconfig's language for it and a JavaScript pattern (`u`
    /// flag) that finds its text in a page.
    public struct Script: Sendable, Hashable {
        public let name: String
        let language: String
        let pattern: String
    }

    /// The scripts checked: the ones users render most, and emoji.
    public static let scripts: [Script] = [
        Script(name: "latin", language: "en", pattern: #"\p{Script=Latin}"#),
        Script(name: "cyrillic", language: "ru", pattern: #"\p{Script=Cyrillic}"#),
        Script(name: "greek", language: "el", pattern: #"\p{Script=Greek}"#),
        Script(name: "arabic", language: "ar", pattern: #"\p{Script=Arabic}"#),
        Script(name: "hebrew", language: "he", pattern: #"\p{Script=Hebrew}"#),
        Script(name: "devanagari", language: "hi", pattern: #"\p{Script=Devanagari}"#),
        Script(name: "thai", language: "th", pattern: #"\p{Script=Thai}"#),
        Script(name: "chinese", language: "zh-cn", pattern: #"\p{Script=Han}"#),
        Script(name: "japanese", language: "ja", pattern: #"[\p{Script=Hiragana}\p{Script=Katakana}]"#),
        Script(name: "korean", language: "ko", pattern: #"\p{Script=Hangul}"#),
        Script(name: "emoji", language: "und-zsye", pattern: #"\p{Extended_Pictographic}"#),
    ]

    /// Scripts with at least one font.
    public var present: [String]
    /// Scripts with none.
    public var missing: [String]

    public init(present: [String], missing: [String]) {
        self.present = present
        self.missing = missing
    }

    /// The coverage of the languages fontconfig lists for the installed fonts (`fc-list`'s `%{lang}`).
    public init(fontLanguages: some Sequence<Substring>) {
        var languages = Set<Substring>()
        for line in fontLanguages { languages.formUnion(line.split(separator: "|")) }
        present = Self.scripts.filter { languages.contains(Substring($0.language)) }.map(\.name)
        missing = Self.scripts.filter { !languages.contains(Substring($0.language)) }.map(\.name)
    }

    /// Asks fontconfig (`fc-list`, at most `timeout`); nil when it cannot tell (no fontconfig tools).
    public static func scan(timeout: Duration = .seconds(10)) async -> FontCoverage? {
        guard let listing = await run(["fc-list", "--format", "%{lang}\n"], timeout: timeout) else { return nil }
        return FontCoverage(fontLanguages: listing.split(separator: "\n"))
    }

    /// The JavaScript expression a render evaluates to find which of `missing`'s scripts its page
    /// uses (an array of their names); looks at the first 200,000 characters of the text.
    static func usageProbe(for missing: [String]) -> String {
        let wanted = scripts.filter { missing.contains($0.name) }
        let tests = wanted.map { "[\"\($0.name)\", /\($0.pattern)/u]" }.joined(separator: ",")
        return "(() => { const text = (document.body ? document.body.innerText : \"\").slice(0, 200000); "
            + "return [\(tests)].filter(([, pattern]) => pattern.test(text)).map(([name]) => name); })()"
    }

    private static func run(_ arguments: [String], timeout: Duration) async -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        // Read while it runs (a full pipe would stall it), give up after the timeout.
        let reading = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished { process.terminate() }
        let data = await reading.value
        guard finished, process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
