// libFuzzer target: what the egress proxy reads from a browser before it decides anything — the
// request head (CONNECT or absolute-form), its authority, and the addresses and networks it judges.
import FuzzSupport
import Egress

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEgressHead(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    if case .success(let head) = ProxyRequestHead.parse(bytes) {
        _ = head.originRequest(keepingAbsoluteTarget: false, proxyAuthorization: nil)
    }
    if let text = String(validating: bytes, as: UTF8.self) {
        if let address = IPAddress(text) {
            // An address prints as text that parses back to it.
            precondition(IPAddress(address.description) == address, "\(text) printed as \(address)")
            _ = EgressPolicy().refusal(for: address)
        }
        _ = IPNetwork(text)
        _ = try? EgressPolicy.networks(text)
    }
    return 0
}

#if FUZZING
@_cdecl("FuzzEgressHead_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, count in fuzzEgressHead(UnsafeRawPointer(data ?? UnsafePointer(bitPattern: 1)!), count) }
}
#else
@main enum FuzzEgressHeadCorpus {
    static func main() throws { try FuzzCorpus.run(fuzzEgressHead) }
}
#endif
