import ArgumentParser
import RenderTypes
import RpcClient
import SessionContext

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
        @Option(help: "Sessions per page (1…1000; default: the server's).") var limit: Int?
        @Option(help: "next_cursor of the previous page.") var cursor: String?

        func execute() async throws {
            try await server.printResult("session.list", SessionListParams(limit: limit, cursor: cursor))
        }
    }

    struct Get: ParsableCommand, AsyncCLICommand {
        static let configuration = CommandConfiguration(abstract: "One session (JSON); renews it with auto_renew.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The session id.") var id: String

        func execute() async throws {
            try await server.printResult("session.get", sessionID: id)
        }
    }

    struct Delete: ParsableCommand, AsyncCLICommand {
        static let configuration = CommandConfiguration(abstract: "Deletes a session, its cookies and its profile.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The session id.") var id: String

        func execute() async throws {
            try await server.printResult("session.delete", sessionID: id)
        }
    }
}

extension ServerOptions {
    /// Calls `method` on the server and prints its result as the server sent it (keys sorted).
    func printResult(_ method: String, _ params: some Encodable & Sendable) async throws {
        let result = try await withClient { client in try await client.resultJSON(method, params) }
        print(result.jsonString())
    }

    /// Calls `method` on session `text` and prints its result; an id the server would refuse
    /// fails here, with the server's error (-32602).
    func printResult(_ method: String, sessionID text: String) async throws {
        let id: SessionID
        do {
            id = try SessionID(validating: text)
        } catch {
            throw CLIError(RpcError(error), method: method, server: "")
        }
        try await printResult(method, SessionIDParams(sessionId: id))
    }
}
