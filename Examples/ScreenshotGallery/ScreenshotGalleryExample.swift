// ScreenshotGallery — render N URLs concurrently, at most K at a time, and save a PNG of each.
//
// What it shows: one shared `RpcClient` used from many tasks at once (its keep-alive pool
// carries the calls), bounded concurrency with a task group that never has more than K renders
// in flight, `capture.screenshot`, and per-URL failures that do not stop the others.
//
// Run it against a local server:
//     make serve                                                        # terminal 1
//     swift run ScreenshotGallery --serve-fixtures --out gallery/       # terminal 2
// or: swift run ScreenshotGallery --site http://127.0.0.1:PORT --concurrency 3 /static.html /list /item/7

import ArgumentParser
import ExampleSupport
import Foundation
import RenderTypes
import RpcClient

@main
struct ScreenshotGalleryExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ScreenshotGallery", abstract: "Screenshot many pages with bounded concurrency and save PNGs."
    )

    @OptionGroup var options: ExampleOptions
    @Option(help: "Renders in flight at once.") var concurrency = 2
    @Option(help: "Directory for the PNGs (created if missing).") var out = "gallery"
    @Argument(help: "Paths on the fixture site (or absolute URLs).") var paths: [String] = defaultPaths

    static let defaultPaths = ["/static.html", "/list", "/list?page=2", "/item/1", "/item/2", "/actions.html"]

    func run() async throws {
        let shots = try await options.run { client, site in
            let urls = paths.map { $0.hasPrefix("http") ? $0 : site + $0 }
            return try await Self.flow(client: client, urls: urls, concurrency: concurrency, directory: URL(fileURLWithPath: out))
        }
        for shot in shots {
            switch shot.outcome {
            case .success(let file): print("\(shot.url) → \(file.path)")
            case .failure(let error): print("\(shot.url) failed: \(error)")
            }
        }
    }

    /// One URL's outcome: the PNG written, or why not.
    struct Shot: Sendable {
        var url: String
        var outcome: Result<URL, RpcError>
    }

    /// Screenshots `urls` with at most `concurrency` renders in flight and writes one PNG per URL
    /// into `directory`; results come back in the order of `urls`.
    static func flow(client: RpcClient, urls: [String], concurrency: Int, directory: URL) async throws -> [Shot] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = DynamicConfig(
            capture: CaptureConfig(html: false, screenshot: true, format: .png),
            viewport: Viewport(width: 1280, height: 800)
        )
        var shots = [Shot?](repeating: nil, count: urls.count)
        try await withThrowingTaskGroup(of: (Int, Result<URL, RpcError>).self) { group in
            var next = 0
            func startNext() {
                guard next < urls.count else { return }
                let index = next
                next += 1
                group.addTask {
                    do {
                        let result = try await client.renderDynamic(url: urls[index], config: config)
                        return (index, .success(try save(result, index: index, in: directory)))
                    } catch let error as RpcError {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, concurrency) { startNext() }
            while let (index, outcome) = try await group.next() {
                shots[index] = Shot(url: urls[index], outcome: outcome)
                startNext()
            }
        }
        return shots.compactMap { $0 }
    }

    /// Writes the render's screenshot as `NN-<title>.png`; throws `ExampleError` without one.
    static func save(_ result: DynamicRenderResult, index: Int, in directory: URL) throws -> URL {
        guard let base64 = result.artifacts.screenshot, let png = Data(base64Encoded: base64) else {
            throw ExampleError("\(result.finalUrl) came back without a screenshot")
        }
        let slug = result.title.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(40)
        let file = directory.appendingPathComponent(String(format: "%02d-%@.png", index + 1, String(slug)))
        try png.write(to: file)
        return file
    }
}
