import ArgumentParser

/// The `tidepool` command: `tidepool serve` runs the server; `render` and `session` are its clients;
/// `tenant new-key` makes API keys for the tenants file.
struct Tidepool: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidepool",
        abstract: "Headless-Chromium rendering service with stateful sessions, over JSON-RPC 2.0.",
        subcommands: [ServeCommand.self, RenderCommand.self, SessionCommand.self, TenantCommand.self],
        defaultSubcommand: ServeCommand.self
    )
}
