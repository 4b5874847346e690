import ArgumentParser

/// The `tidepool` command: `tidepool serve` runs the server.
struct Tidepool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidepool",
        abstract: "Headless-Chromium rendering service with stateful sessions, over JSON-RPC 2.0.",
        subcommands: [ServeCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
