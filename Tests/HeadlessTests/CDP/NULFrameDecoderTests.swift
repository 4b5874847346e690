@testable import Headless
import NIOCore
import Testing

@Suite struct NULFrameDecoderTests {
    /// Feeds `chunks` through the decoder as NIO would and returns the frames as strings.
    private func frames(_ chunks: [String], max: Int = 1 << 20) throws -> [String] {
        let processor = NIOSingleStepByteToMessageProcessor(NULFrameDecoder(maxFrameBytes: max))
        var out: [String] = []
        for chunk in chunks {
            try processor.process(buffer: ByteBuffer(bytes: Array(chunk.utf8).map { $0 == UInt8(ascii: "~") ? 0 : $0 })) {
                out.append(String(buffer: $0))
            }
        }
        return out
    }

    @Test func oneChunkWithOneMessageGivesOneFrame() throws {
        #expect(try frames(["{\"id\":1}~"]) == ["{\"id\":1}"])
    }

    @Test func messageSplitAcrossChunksIsReassembled() throws {
        #expect(try frames(["{\"id\"", ":1,\"re", "sult\":{}}", "~"]) == ["{\"id\":1,\"result\":{}}"])
    }

    @Test func severalMessagesInOneChunkAreSeparated() throws {
        #expect(try frames(["{\"a\":1}~{\"b\":2}~{\"c\""]) == ["{\"a\":1}", "{\"b\":2}"])
    }

    @Test func mergedAndSplitChunksKeepOrder() throws {
        #expect(try frames(["{\"a\":1}~{\"b", "\":2}~{\"c\":3", "}~"]) == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }

    @Test func byteByByteDeliveryStillFrames() throws {
        let text = "{\"x\":\"é\"}~{}~"
        // Multi-byte characters split across chunks must be reassembled as bytes, not characters.
        let processor = NIOSingleStepByteToMessageProcessor(NULFrameDecoder(maxFrameBytes: 1 << 20))
        var out: [String] = []
        for byte in Array(text.utf8) {
            try processor.process(buffer: ByteBuffer(bytes: [byte == UInt8(ascii: "~") ? 0 : byte])) {
                out.append(String(buffer: $0))
            }
        }
        #expect(out == ["{\"x\":\"é\"}", "{}"])
    }

    @Test func frameLongerThanTheLimitIsAnError() {
        #expect(throws: NULFrameDecoder.FrameTooLarge.self) {
            try frames([String(repeating: "x", count: 40), String(repeating: "y", count: 40)], max: 64)
        }
    }

    @Test func frameExactlyAtTheLimitPasses() throws {
        #expect(try frames([String(repeating: "x", count: 64) + "~"], max: 64).first?.count == 64)
    }
}
