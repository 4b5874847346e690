// PaginatedScrape — walk a paginated listing by its "next" links, in one session, and collect
// every item.
//
// What it shows: a loop of renders in one session where each page's result (read with an
// `evaluate` action) decides the next URL, with a bound on the number of pages so a listing that
// links to itself cannot loop forever.
//
// Run it against a local server:
//     make serve                                       # terminal 1
//     swift run PaginatedScrape --serve-fixtures       # terminal 2
// or: swift run PaginatedScrape --site http://127.0.0.1:PORT [--max-pages 10]

import ArgumentParser
import ExampleSupport
import RenderTypes
import RpcClient
import SessionContext

@main
struct PaginatedScrapeExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "PaginatedScrape", abstract: "Follow the fixture listing's next links in one session and collect its items."
    )

    @OptionGroup var options: ExampleOptions
    @Option(help: "Most pages to visit.") var maxPages = 50

    func run() async throws {
        let outcome = try await options.run { client, site in
            try await Self.flow(client: client, start: site + "/list", maxPages: maxPages)
        }
        for (number, page) in outcome.pages.enumerated() {
            print("page \(number + 1): \(page.url) — \(page.items.count) items")
        }
        print("\(outcome.items.count) items: \(outcome.items.joined(separator: ", "))")
    }

    /// One visited page.
    struct Page: Sendable {
        var url: String
        var items: [String]
    }

    /// Everything collected.
    struct Outcome: Sendable {
        var sessionID: SessionID
        var pages: [Page]
        var items: [String] { pages.flatMap(\.items) }
    }

    /// Reads a listing page: the items' texts and the absolute URL of the next page, if any.
    static let readPage = """
        ({ items: [...document.querySelectorAll('#items .item')].map(e => e.textContent.trim()),
           next: document.querySelector('a[rel=next]')?.href ?? null })
        """

    /// Renders `start`, then each "next" page, in one session, at most `maxPages` pages.
    static func flow(client: RpcClient, start: String, maxPages: Int) async throws -> Outcome {
        let session = SessionID.generate()
        let config = DynamicConfig(actions: [.evaluate(readPage)], capture: CaptureConfig(html: false))
        var pages: [Page] = []
        var next: String? = start
        while let url = next, pages.count < maxPages {
            let result = try await client.renderDynamicWithSession(url: url, config: config, sessionID: session)
            guard let value = result.actionValue(0), let items = value["items"]?.arrayValue else {
                throw ExampleError("\(url) has no #items list")
            }
            pages.append(Page(url: result.finalUrl, items: items.compactMap(\.stringValue)))
            next = value["next"]?.stringValue
        }
        return Outcome(sessionID: session, pages: pages)
    }
}
