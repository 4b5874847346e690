import ArgumentParser
import Foundation
import RpcServer
import SessionContext

/// `tidepool tenant new-key`: a fresh API key, printed once, with the lines to paste into the
/// tenants file (only the key's SHA-256 is ever stored).
struct TenantCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Make API keys for the tenants file (tidepool serve --tenants-file).",
        subcommands: [NewKey.self]
    )

    struct NewKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new-key",
            abstract: "Print a fresh random API key (32 bytes from the system's CSPRNG) and the lines to paste."
        )

        @Option(help: "The tenant the key is for: also print a whole tenant entry with this id.") var tenant: String?

        func validate() throws {
            if let tenant, let reason = TenantID.invalidReason(tenant) {
                throw ValidationError("--tenant \"\(tenant)\" \(reason)")
            }
        }

        func run() throws {
            let key = TenantKey.generate()
            let hash = TenantKey.hexDigest(of: key)
            var lines = [
                "API key (shown only now and stored nowhere; the tenant sends it as Authorization: Bearer <key>):",
                key,
                "",
                "Add its SHA-256 to the tenant's \"keys_sha256\" in the tenants file, then send tidepool serve SIGHUP:",
                "\"\(hash)\"",
            ]
            if let tenant {
                lines += ["", "or, for a new tenant, add this entry to \"tenants\":", #"{"id": "\#(tenant)", "keys_sha256": ["\#(hash)"]}"#]
            }
            print(lines.joined(separator: "\n"))
        }
    }
}
