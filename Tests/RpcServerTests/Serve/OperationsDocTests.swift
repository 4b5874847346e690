import Foundation
import Testing
@testable import RpcServer
import SessionContext

/// docs/operations.md lists every setting `tidepool serve` knows, by flag and environment name.
@Suite struct OperationsDocTests {
    @Test func everySettingIsDocumented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        for setting in ServerSettings.all {
            #expect(text.contains("`--\(setting.flag)`"), "--\(setting.flag) missing from docs/operations.md")
            #expect(text.contains("`\(setting.environmentName)`"), "\(setting.environmentName) missing from docs/operations.md")
        }
    }
}

/// docs/operations.md's tenants file example is a file the server accepts.
@Suite struct TenantsDocTests {
    @Test func theTenantsFileExampleIsAccepted() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let section = try #require(text.range(of: "### Tenants")).upperBound
        let start = try #require(text.range(of: "```json\n", range: section..<text.endIndex)).upperBound
        let end = try #require(text.range(of: "```", range: start..<text.endIndex)).lowerBound
        let file = try TenantsFile.parse(Array(text[start..<end].utf8), path: "docs/operations.md")
        #expect(file.tenants.map(\.id.rawValue) == ["acme", "globex"])
        #expect(file.tenants.map(\.keyHashes.count) == [1, 2])
        #expect(file.tenants[0].presets.keys.sorted() == ["fast", "shop"])
        #expect(file.tenants[0].presets["shop"]?.sessionTTLSeconds == 600)
    }
}
