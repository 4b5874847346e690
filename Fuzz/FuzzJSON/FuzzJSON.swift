// libFuzzer target: the one JSON parser in both modes, and the writer. `make fuzz` builds it with
// `-sanitize=fuzzer,address -D FUZZING`; a plain build runs the files given as arguments once each
// (the corpus as a regression run).
import FuzzSupport
import RenderTypes

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))
    let strict = try? JSONParser.parse(bytes, strictness: .strict)
    let lenient = try? JSONParser.parse(bytes, strictness: .lenient)
    if let strict {
        // What strict accepts, lenient accepts as the same value.
        precondition(lenient == strict, "strict and lenient disagree on a strict document")
        // Writing and parsing again gives the same value (numbers that JSON cannot hold aside).
        if let written = try? JSONWriter.write(strict) {
            let again = try? JSONParser.parse(written, strictness: .strict)
            precondition(again != nil, "the writer wrote what the strict parser refuses")
        }
    }
    return 0
}

#if FUZZING
@_cdecl("FuzzJSON_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, count in fuzzJSON(UnsafeRawPointer(data ?? UnsafePointer(bitPattern: 1)!), count) }
}
#else
@main enum FuzzJSONCorpus {
    static func main() throws { try FuzzCorpus.run(fuzzJSON) }
}
#endif
