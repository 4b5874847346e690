// libFuzzer target: the strict params decoder over the wire types a caller sends (render params with
// their whole DynamicConfig, session and cookie params), and the checks behind them (URL policy,
// proxy form, session ids, cookies against the session limits).
import FuzzSupport
import Foundation
import RenderTypes
import SessionContext

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParams(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if let text = String(validating: bytes, as: UTF8.self) {
        _ = URLPolicy.check(text)
        _ = ProxyConfig.problem(with: text)
        _ = SessionID.invalidReason(text)
        _ = ProfileName.invalidReason(text)
    }
    guard let value = try? JSONParser.parse(bytes, strictness: .strict) else { return 0 }
    let decoder = StrictJSONDecoder()
    _ = try? decoder.decode(RenderParams.self, from: value)
    _ = try? decoder.decode(DynamicConfig.self, from: value)
    _ = try? decoder.decode(SessionCreateParams.self, from: value)
    _ = try? decoder.decode(CookiesSetParams.self, from: value)
    if let cookies = try? decoder.decode([Cookie].self, from: value) {
        var session = RpcSessionContext(sessionId: "fuzz", config: SessionConfig(), now: Date(timeIntervalSince1970: 0))
        session.setCookies(cookies)
        try? SessionLimits().validate(session)
    }
    return 0
}

#if FUZZING
@_cdecl("FuzzParams_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, count in fuzzParams(UnsafeRawPointer(data ?? UnsafePointer(bitPattern: 1)!), count) }
}
#else
@main enum FuzzParamsCorpus {
    static func main() throws { try FuzzCorpus.run(fuzzParams) }
}
#endif
