import ArgumentParser
import RenderTypes

/// `tidepool session list|get|delete` through a running server; prints the JSON result.
struct SessionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "List, show or delete sessions of a running server.",
        subcommands: [List.self, Get.self, Delete.self]
    )

    struct List: ParsableCommand, AsyncCLICommand {
        static let configuration = CommandConfiguration(abstract: "Live sessions, a page at a time (JSON).")
        @OptionGroup var server: ServerOptions
        @Option(help: "Sessions per page (1…1000, default 100).") var limit: Int?
        @Option(help: "next_cursor of the previous page.") var cursor: String?

        func execute() async throws {
            var params: [String: JSONValue] = [:]
            if let limit { params["limit"] = .int(limit) }
            if let cursor { params["cursor"] = .string(cursor) }
            try await server.printResult("session.list", .object(params))
        }
    }

    struct Get: ParsableCommand, AsyncCLICommand {
        static let configuration = CommandConfiguration(abstract: "One session (JSON); renews it with auto_renew.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The session id.") var id: String

        func execute() async throws {
            try await server.printResult("session.get", ["session_id": .string(id)])
        }
    }

    struct Delete: ParsableCommand, AsyncCLICommand {
        static let configuration = CommandConfiguration(abstract: "Deletes a session, its cookies and its profile.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The session id.") var id: String

        func execute() async throws {
            try await server.printResult("session.delete", ["session_id": .string(id)])
        }
    }
}
