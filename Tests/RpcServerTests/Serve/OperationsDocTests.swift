import Foundation
import Testing
@testable import RpcServer

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
