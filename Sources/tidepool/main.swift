import ArgumentParser
import NIOCore
import NIOPosix

// Run Swift concurrency on NIO's event loops: request handlers then never hop between NIO's
// threads and the concurrency pool (a large share of the server's CPU time per request, measured
// in BENCHMARKS.md). It must happen on the main thread before any task starts, hence here.
NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

// What `AsyncParsableCommand.main()` does, spelled out because top-level code resolves `main` and
// `run` to their synchronous overloads (which print the help). Every async subcommand is listed by
// its concrete type and called through a method of its own name.
do {
    let command = try await Tidepool.asyncParseAsRoot(nil)
    switch command {
    case let serve as ServeCommand:
        try await serve.serve()
    default:
        var other = command
        try other.run()
    }
} catch {
    Tidepool.exit(withError: error)
}
