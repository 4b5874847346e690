// ServeFixtures — serves the fixture site (Tests/Fixtures/Site plus its dynamic routes: login,
// dashboard, paginated listing, …) on 127.0.0.1 until interrupted; what `make fixtures` runs.
// It prints the site's URL, which the examples take as `--site URL`.

import FixtureServer
import Foundation

@main
enum ServeFixtures {
    static func main() async throws {
        let server = try await FixtureServer.start()
        // Written unbuffered, so a script reading the pipe sees the URL at once.
        FileHandle.standardOutput.write(Data("fixture site: \(server.baseURL)   (Ctrl-C stops it)\n".utf8))
        let (interrupts, sink) = AsyncStream<Void>.makeStream()
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { sink.yield() }
            source.resume()
            return source
        }
        for await _ in interrupts { break }
        sources.forEach { $0.cancel() }
        await server.stop()
    }
}
