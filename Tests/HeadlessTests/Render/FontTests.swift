import FixtureServer
import Foundation
@testable import Headless
import RenderTypes
import Testing
import TestSupport

/// Fonts for the world's scripts: fontconfig's coverage, Chromium drawing each script with a real font
/// of it (not a fallback box), and a render warning when a page needs a font the machine lacks.
@Suite struct FontCoverageTests {
    @Test func coverageComesFromTheLanguagesOfTheInstalledFonts() {
        let coverage = FontCoverage(fontLanguages: ["en|fr|ru", "", "ja|zh-cn|ko", "el"])
        #expect(coverage.present == ["latin", "cyrillic", "greek", "chinese", "japanese", "korean"])
        #expect(coverage.missing == ["arabic", "hebrew", "devanagari", "thai", "emoji"])
    }

    @Test func thisMachineHasAFontForEveryScript() async throws {
        // scripts/setup serve installs them (fonts-noto-core, -cjk, -color-emoji, liberation2).
        let coverage = try #require(await FontCoverage.scan())
        #expect(coverage.missing == [], "install the fonts: scripts/setup serve")
        #expect(coverage.present.count == FontCoverage.scripts.count)
    }
}

extension Chromium {
    @Suite struct FontRenderingTests {
        /// The families fontconfig says cover `language` (what may draw its text).
        static func families(covering language: String) async throws -> Set<String> {
            let listing = try await ProcessRun.output(["fc-list", ":lang=\(language)", "family"])
            return Set(listing.split(separator: "\n").flatMap { $0.split(separator: ",").map(String.init) })
        }

        @Test func everyScriptIsDrawnByARealFontOfIt() async throws {
            try await PageHarness.with { c in
                try await PageHarness.load(c, "/scripts.html")
                let session = c.page.session
                _ = try await session.send(method: "DOM.enable")
                _ = try await session.send(method: "CSS.enable")
                let document = try await session.send(method: "DOM.getDocument", params: ["depth": 0])
                let root = document["root"]?["nodeId"] ?? .null
                for script in FontCoverage.scripts.map(\.name) {
                    let node = try await session.send(
                        method: "DOM.querySelector", params: ["nodeId": root, "selector": .string("#\(script)")])
                    let answer = try await session.send(
                        method: "CSS.getPlatformFontsForNode", params: ["nodeId": node["nodeId"] ?? .null])
                    let fonts = answer["fonts"]?.arrayValue ?? []
                    let families = fonts.compactMap { $0["familyName"]?.stringValue }
                    let language = try #require(FontCoverage.scripts.first { $0.name == script }?.language)
                    let covering = try await Self.families(covering: language)
                    #expect(!families.isEmpty, "\(script): no font reported")
                    // A missing font would show as a fallback (Liberation, DejaVu…) that does not cover it.
                    #expect(families.allSatisfy(covering.contains), "\(script) drawn by \(families), none of \(covering)")
                    #expect(fonts.allSatisfy { ($0["glyphCount"]?.intValue ?? 0) > 0 })
                }
            }
        }

        @Test func aPageNeedingAMissingFontGetsAWarning() async throws {
            // As if this machine had no Thai and no emoji font.
            let configuration = Renderer.Configuration(actionTimeout: .seconds(2), missingFontScripts: ["thai", "emoji"])
            try await RenderHarness.with(configuration: configuration) { c in
                let needing = try await c.render("/scripts.html").result
                let warning = needing.warnings.first { $0.contains("no font") }
                #expect(warning?.contains("thai, emoji") == true, "\(needing.warnings)")
                let latinOnly = try await c.render("/static.html").result
                #expect(!latinOnly.warnings.contains { $0.contains("no font") })
            }
        }
    }
}

/// Runs a short command (`fc-list`) to its end and returns what it printed.
enum ProcessRun {
    static func output(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
