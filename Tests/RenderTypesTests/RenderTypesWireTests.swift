import Foundation
import Testing
@testable import RenderTypes

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(FieldError) -> T {
    try StrictJSONDecoder().decode(type, from: Data(json.utf8))
}

private func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
    let data = try JSONEncoder().encode(value)
    return try StrictJSONDecoder().decode(T.self, from: data)
}

@Suite struct RenderTypesWireTests {
    @Test func fullDynamicConfigDecodes() throws {
        let json = #"""
        {"wait_for":{"type":"all","conditions":[{"type":"selector","selector":"#app .item","visible":true},
                     {"type":"network_idle","idle_ms":300}],"timeout_ms":5000},
         "scroll":{"to_bottom":true,"max_steps":10,"stop_condition":"window.done"},
         "actions":[{"type":"click","selector":"#go","wait_after_ms":100},
                    {"type":"type","selector":"#q","text":"hi","clear_first":true},
                    {"type":"scroll","steps":3,"step_px":400},
                    {"type":"wait","condition":{"type":"delay","ms":50}},
                    {"type":"evaluate","expression":"1+1","optional":true},
                    {"type":"navigate","url":"http://127.0.0.1/x","wait_for":{"type":"load"}},
                    {"type":"set_cookies","cookies":[{"name":"a","value":"b","domain":"127.0.0.1"}]}],
         "capture":{"screenshot":true,"format":"jpeg","quality":70,"console":true},
         "timeout_ms":20000,"viewport":{"width":800,"height":600},
         "block_resources":["image","font"],"block_urls":["*.png"],"headers":{"X-Test":"1"},
         "javascript_enabled":true,"user_agent":"UA","proxy":{"server":"http://127.0.0.1:8080"}}
        """#
        let config = try decode(DynamicConfig.self, json)
        #expect(config.waitFor?.timeoutMs == 5000)
        #expect(config.actions.count == 7)
        #expect(config.actions[0] == PageAction.click("#go").waitingAfter(ms: 100))
        #expect(config.actions[2].kind == .scroll(ScrollConfig(mode: .steps(3), stepPx: 400)))
        #expect(config.actions[4].optional)
        #expect(config.capture?.quality == 70)
        #expect(config.effectiveCapture.html)
        #expect(config.blockResources == [.image, .font])
        #expect(try roundTrip(config) == config)
    }

    @Test func unknownFieldInsideAnActionIsNamedWithItsIndex() {
        #expect(throws: FieldError(field: "actions[1].selectr", kind: .unknownField)) {
            try decode(DynamicConfig.self, ##"{"actions":[{"type":"press","key":"Enter"},{"type":"click","selectr":"#a","selector":"#b"}]}"##)
        }
    }

    @Test func fieldOfAnotherWaitTypeIsRejected() {
        #expect(throws: FieldError(field: "wait_for.selector", kind: .unknownField)) {
            try decode(DynamicConfig.self, ##"{"wait_for":{"type":"load","selector":"#a"}}"##)
        }
    }

    @Test func outOfRangeTimeoutIsRejectedWithItsPath() {
        #expect(throws: FieldError(field: "wait_for.timeout_ms", kind: .invalidValue("must be between 1 and 120000"))) {
            try decode(DynamicConfig.self, #"{"wait_for":{"type":"load","timeout_ms":0}}"#)
        }
        #expect(throws: FieldError(field: "timeout_ms", kind: .invalidValue("must be between 1 and 120000"))) {
            try decode(DynamicConfig.self, #"{"timeout_ms":120001}"#)
        }
    }

    @Test func popupAndDownloadWaitsTakeACountOfOneByDefault() throws {
        let config = try decode(DynamicConfig.self, #"{"wait_for":{"type":"all","conditions":[{"type":"popup"},{"type":"download","count":3}]}}"#)
        #expect(config.waitFor == .all([.popup(count: 1), .download(count: 3)]))
        #expect(config.waitFor?.summary == "all(popup, download(3))")
        #expect(try roundTrip(config) == config)
        #expect(throws: FieldError(field: "wait_for.count", kind: .invalidValue("must be between 1 and 100"))) {
            try decode(DynamicConfig.self, #"{"wait_for":{"type":"download","count":0}}"#)
        }
        #expect(throws: FieldError(field: "wait_for.count", kind: .unknownField)) {
            try decode(DynamicConfig.self, #"{"wait_for":{"type":"load","count":1}}"#)
        }
    }

    @Test func unknownWaitTypeIsRejected() throws {
        let error = try #require(throws: FieldError.self) {
            try decode(DynamicConfig.self, #"{"wait_for":{"type":"forever"}}"#)
        }
        #expect(error.field == "wait_for.type")
    }

    @Test func scrollNeedsStepsOrToBottom() throws {
        let error = try #require(throws: FieldError.self) { try decode(ScrollConfig.self, #"{"delay_ms":5}"#) }
        #expect(error.field == "steps")
        #expect(throws: FieldError.self) { try decode(ScrollConfig.self, #"{"steps":2,"to_bottom":true}"#) }
    }

    @Test func qualityNeedsJPEG() throws {
        let error = try #require(throws: FieldError.self) { try decode(CaptureConfig.self, #"{"quality":50}"#) }
        #expect(error.field == "quality")
    }

    @Test func forbiddenHeaderIsRejected() throws {
        let error = try #require(throws: FieldError.self) {
            try decode(DynamicConfig.self, #"{"headers":{"Host":"evil"}}"#)
        }
        #expect(error.field == "headers")
    }

    @Test func proxyNeedsSchemeHostAndPort() throws {
        #expect(throws: FieldError.self) { try decode(ProxyConfig.self, #"{"server":"127.0.0.1:8080"}"#) }
        #expect(throws: FieldError.self) { try decode(ProxyConfig.self, #"{"server":"ftp://h:1"}"#) }
        #expect(throws: FieldError.self) { try decode(ProxyConfig.self, #"{"server":"http://h:1","username":"u"}"#) }
        #expect(try decode(ProxyConfig.self, #"{"server":"socks5://h:1080"}"#).server == "socks5://h:1080")
    }

    @Test func nestedConditionsAreBounded() throws {
        var json = #"{"type":"load"}"#
        for _ in 0..<RenderLimits.maxConditionDepth { json = #"{"type":"all","conditions":["# + json + "]}" }
        #expect(throws: FieldError.self) { try decode(WaitCondition.self, json) }
    }

    @Test func stealthValidatesOverrides() throws {
        #expect(throws: FieldError.self) { try decode(StealthConfig.self, #"{"timezone":"Mars/Olympus"}"#) }
        #expect(throws: FieldError.self) { try decode(StealthConfig.self, #"{"device_memory":3}"#) }
        #expect(throws: FieldError.self) { try decode(StealthConfig.self, #"{"locale":"english"}"#) }
        #expect(throws: FieldError.self) { try decode(StealthConfig.self, #"{"color_scheme":"blue"}"#) }
        #expect(try decode(StealthConfig.self, #"{"color_scheme":"dark"}"#).colorScheme == .dark)
        let ok = try decode(StealthConfig.self, #"{"preset":"high","locale":"de-DE","timezone":"Europe/Berlin"}"#)
        #expect(ok.preset == .high)
        #expect(try decode(StealthConfig.self, "{}").preset == .medium)
    }

    @Test func cookieDefaultsAndValidation() throws {
        let cookie = try decode(Cookie.self, #"{"name":"sid","value":"1","domain":"127.0.0.1"}"#)
        #expect(cookie.path == "/" && !cookie.secure && !cookie.httpOnly && cookie.expires == nil)
        #expect(throws: FieldError.self) { try decode(Cookie.self, #"{"name":"a;b","value":"1","domain":"x"}"#) }
        #expect(throws: FieldError.self) {
            try decode(Cookie.self, #"{"name":"a","value":"1","domain":"x","same_site":"None"}"#)
        }
        #expect(try roundTrip(cookie) == cookie)
    }

    @Test func renderParamsValidateProfile() throws {
        #expect(throws: FieldError.self) { try decode(RenderParams.self, #"{"url":"http://a","profile":"../x"}"#) }
        #expect(throws: FieldError(field: "url", kind: .missingField)) { try decode(RenderParams.self, "{}") }
        let params = try decode(RenderParams.self, #"{"url":"http://a","profile":"shop_1","priority":"high"}"#)
        #expect(params.priority == .high)
    }

    @Test(arguments: [
        "file:///etc/passwd", "chrome://settings", "javascript:alert(1)", "data:text/html,hi",
        "view-source:http://a", "http://user:pw@host/", "ftp://host/", "http:///nohost", "not a url",
    ])
    func urlPolicyRefuses(_ url: String) {
        #expect(URLPolicy.check(url) != nil)
    }

    @Test(arguments: ["http://127.0.0.1:8080/a?b=c", "https://example.com/", "about:blank", "HTTP://Host/x"])
    func urlPolicyAllows(_ url: String) {
        #expect(URLPolicy.check(url) == nil)
    }

    @Test func resultEncodesSnakeCase() throws {
        let result = DynamicRenderResult(finalUrl: "http://a/", statusCode: 200, timings: StageTimings(queueMs: 1))
        let json = try JSONValue(encoding: result)
        #expect(json["final_url"] == "http://a/")
        #expect(json["timings"]?["queue_ms"] == 1.0)
        #expect(json["cookies_updated"] == 0)
    }
}
