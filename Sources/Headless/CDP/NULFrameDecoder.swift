public import NIOCore

/// Splits the `--remote-debugging-pipe` byte stream into messages: each is JSON followed by one NUL.
/// Chunks may split a message or hold several; a message longer than `maxFrameBytes` is an error
/// (the pipe closes rather than buffering without bound).
public struct NULFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// A message exceeded the limit before its terminating NUL.
    public struct FrameTooLarge: Error, Sendable, CustomStringConvertible {
        public let limit: Int
        public var description: String { "CDP message exceeds \(limit) bytes without a NUL terminator" }
    }

    public let maxFrameBytes: Int
    /// Bytes already scanned for a NUL in the buffered partial frame, so a long frame is scanned once.
    private var scanned = 0

    public init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> ByteBuffer? {
        let view = buffer.readableBytesView
        let start = view.startIndex + min(scanned, view.count)
        guard let nul = view[start...].firstIndex(of: 0) else {
            scanned = view.count
            if scanned > maxFrameBytes { throw FrameTooLarge(limit: maxFrameBytes) }
            return nil
        }
        let length = nul - view.startIndex
        if length > maxFrameBytes { throw FrameTooLarge(limit: maxFrameBytes) }
        scanned = 0
        let frame = buffer.readSlice(length: length)
        buffer.moveReaderIndex(forwardBy: 1)
        return frame
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> ByteBuffer? {
        // A trailing partial message at EOF is dropped: the browser died mid-write.
        try decode(buffer: &buffer)
    }
}
