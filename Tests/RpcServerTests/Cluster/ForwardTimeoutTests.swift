import Foundation
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// How long a render forwarded to its session's owner is waited for: its effective `timeout_ms`,
/// with the preset it names applied as the owner applies it, plus the margin for the answer.
@Suite struct ForwardTimeoutTests {
    @Test func aForwardedRenderIsBoundedByItsEffectiveTimeoutPresetIncluded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/tenants.json"
        try #"""
            {"tenants":[
              {"id":"acme","keys_sha256":[],"presets":{"slow":{"config":{"timeout_ms":120000,"block_resources":["image"]}},
                                                        "stealthy":{"stealth":{"preset":"high"}}}},
              {"id":"globex","keys_sha256":[]}]}
            """#.write(toFile: path, atomically: true, encoding: .utf8)
        let tenants = try TenantDirectory(path: path)
        let acme = try TenantID(validating: "acme"), globex = try TenantID(validating: "globex")
        let margin = RenderMethods.forwardAnswerMargin
        let defaultTimeout = Duration.milliseconds(RenderLimits.defaultTimeoutMs) + margin
        func timeout(_ params: JSONValue, _ tenant: TenantID, _ directory: TenantDirectory? = tenants) -> Duration {
            RenderMethods.forwardTimeout(params: params, tenant: tenant, tenants: directory)
        }
        let url: JSONValue = "http://127.0.0.1:9/"

        #expect(timeout(["url": url], acme) == defaultTimeout)
        #expect(timeout(["url": url, "config": ["timeout_ms": 5000]], acme) == .milliseconds(5000) + margin)
        // The preset's timeout bounds the forward (it was the default's before).
        #expect(timeout(["url": url, "preset": "slow"], acme) == .milliseconds(120_000) + margin)
        #expect(timeout(["url": url, "preset": "slow", "config": ["block_resources": []]], acme) == .milliseconds(120_000) + margin)
        // The caller's own wins over the preset's, as on the owner.
        #expect(timeout(["url": url, "preset": "slow", "config": ["timeout_ms": 7000]], acme) == .milliseconds(7000) + margin)
        // A preset without a timeout: the default.
        #expect(timeout(["url": url, "preset": "stealthy"], acme) == defaultTimeout)
        // Another tenant has no preset "slow" (the owner refuses the call), nor has a server without a tenants file.
        #expect(timeout(["url": url, "preset": "slow"], globex) == defaultTimeout)
        #expect(timeout(["url": url, "preset": "slow"], .default, nil) == defaultTimeout)
    }
}
