// libFuzzer target: the CDP pipe's framing (NUL-separated messages, in any split of the bytes) and the
// header reader that routes each message (id, method, sessionId, error), as Chromium's output arrives.
import FuzzSupport
import Foundation
import Headless
import NIOCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCDPFrames(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    guard let split = bytes.first else { return 0 }
    var decoder = NULFrameDecoder(maxFrameBytes: 1 << 16)
    var buffer = ByteBuffer()
    // The first byte chooses the chunk size, so the decoder sees every way the pipe can cut the stream.
    let chunk = Int(split % 16) + 1
    var offset = 1
    while offset < bytes.count {
        buffer.writeBytes(bytes[offset..<min(offset + chunk, bytes.count)])
        offset += chunk
        while let frame = try? decoder.decode(buffer: &buffer) {
            _ = InboundHeader(scanning: Data(frame.readableBytesView))
        }
    }
    return 0
}

#if FUZZING
@_cdecl("FuzzCDPFrames_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, count in fuzzCDPFrames(UnsafeRawPointer(data ?? UnsafePointer(bitPattern: 1)!), count) }
}
#else
@main enum FuzzCDPFramesCorpus {
    static func main() throws { try FuzzCorpus.run(fuzzCDPFrames) }
}
#endif
