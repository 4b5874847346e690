import Foundation

/// Runs a fuzz target once over every file given as an argument (a corpus directory is read whole):
/// what a plain build of a fuzz target does, so the corpus and every input that once crashed stay a
/// regression run without libFuzzer.
public enum FuzzCorpus {
    public static func run(_ target: (UnsafeRawPointer, Int) -> CInt) throws {
        var files: [URL] = []
        for argument in CommandLine.arguments.dropFirst() {
            let url = URL(fileURLWithPath: argument)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                files += try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            } else {
                files.append(url)
            }
        }
        for file in files {
            let data = try Data(contentsOf: file)
            _ = data.withUnsafeBytes { target($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, $0.count) }
        }
        print("ran \(files.count) inputs")
    }
}

#if FUZZING
/// libFuzzer's driver (in its runtime, linked by `-sanitize=fuzzer`): SwiftPM names an executable's
/// entry point `<Target>_main`, so a fuzz target defines that and hands control to libFuzzer here.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the process's arguments on `callback`.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}
#endif
