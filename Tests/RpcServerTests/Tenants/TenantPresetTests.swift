import Foundation
import Logging
import RenderTypes
import RpcServer
import SessionContext
import Testing
import TestSupport

/// Presets in the tenants file: checked strictly when the file is read (at start and on reload),
/// naming the tenant, the preset and the field; merged under a render's own params as documented.
@Suite struct TenantPresetTests {
    static func file(presets: String) -> String {
        #"{"tenants":[{"id":"acme","keys_sha256":[],"presets":\#(presets)}]}"#
    }

    func refusal(_ presets: String) throws -> TenantsFileError {
        do {
            _ = try TenantsFile.parse(Array(Self.file(presets: presets).utf8), path: "t.json")
        } catch {
            return error
        }
        throw UnexpectedResult(method: "parse", response: .string(presets))
    }

    @Test func aGoodPresetIsRead() throws {
        let text = Self.file(presets: #"{"shop":{"config":{"block_resources":["image"],"timeout_ms":5000},"stealth":{"preset":"high"},"session_ttl_secs":600}}"#)
        let preset = try #require(try TenantsFile.parse(Array(text.utf8), path: "t.json").tenants[0].presets["shop"])
        #expect(preset.config == ["block_resources": ["image"], "timeout_ms": 5000])
        #expect(preset.stealth == ["preset": "high"])
        #expect(preset.sessionTTLSeconds == 600)
    }

    @Test(arguments: [
        (#"{"shop":{"config":{"timeout_ms":"soon"}}}"#, "presets.shop.config.timeout_ms"),
        (#"{"shop":{"config":{"wait_for":{"kind":"nothing"}}}}"#, "presets.shop.config.wait_for"),
        (#"{"shop":{"config":{"block_resourcs":["image"]}}}"#, "presets.shop.config.block_resourcs"),
        (#"{"shop":{"config":{"block_resources":["pictures"]}}}"#, "presets.shop.config.block_resources[0]"),
        (#"{"shop":{"stealth":{"preset":"ultra"}}}"#, "presets.shop.stealth.preset"),
        (#"{"shop":{"session_ttl_secs":0}}"#, "presets.shop.session_ttl_secs"),
        (#"{"shop":{"session_ttl_secs":"1h"}}"#, "presets.shop.session_ttl_secs"),
        (#"{"shop":{"url":"http://x"}}"#, "presets.shop.url"),
        (#"{"shop":{"config":[]}}"#, "presets.shop.config"),
        (#"{"shop":[]}"#, "presets.shop"),
        (#"{"sh op":{}}"#, "presets.sh op"),
    ])
    func aBadPresetIsRefusedNamingTenantPresetAndField(presets: String, field: String) throws {
        let error = try refusal(presets)
        #expect(error.tenant == "acme")
        #expect(error.field?.hasPrefix(field) == true, "\(error)")
        #expect(error.description.contains(#"tenant "acme""#))
    }

    @Test func aReloadWithABadPresetKeepsTheTenantsReadBefore() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/tenants.json"
        try Self.file(presets: #"{"shop":{"session_ttl_secs":60}}"#).write(toFile: path, atomically: true, encoding: .utf8)
        let tenants = try TenantDirectory(path: path)
        try Self.file(presets: #"{"shop":{"config":{"timeout_ms":-5}}}"#).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(tenants.reload(logger: testLogger()) == false)
        #expect(tenants.presets(of: try #require(TenantID("acme")))["shop"]?.sessionTTLSeconds == 60)
        #expect(throws: TenantsFileError.self) { try TenantDirectory(path: path) }
    }

    @Test func theCallersMembersWinWholeOverThePresets() {
        let preset = RenderPreset(
            config: ["headers": ["A": "1"], "timeout_ms": 5000, "viewport": ["width": 800, "height": 600]],
            stealth: ["preset": "high", "locale": "de-DE"])
        let merged = preset.applied(to: [
            "url": "http://x", "config": ["viewport": ["width": 1024], "headers": nil], "stealth": ["preset": "none"],
        ])
        #expect(merged["url"] == "http://x")
        #expect(merged["config"] == ["headers": nil, "timeout_ms": 5000, "viewport": ["width": 1024]])
        #expect(merged["stealth"] == ["preset": "none", "locale": "de-DE"])
        #expect(preset.applied(to: ["url": "u"])["config"] == .object(preset.config))
        #expect(preset.applied(to: ["url": "u", "config": 5])["config"] == 5)
    }
}
