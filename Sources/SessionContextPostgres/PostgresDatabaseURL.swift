import Foundation
import NIOSSL
public import PostgresNIO
public import SessionContext

/// Where the sessions' PostgreSQL is, parsed from a libpq-style URL:
/// `postgres://user:password@host:port/database?sslmode=disable` (also `postgresql://`; host `[::1]`
/// for IPv6; `?host=/run/postgresql` for a unix socket directory). Percent-escapes in the user and
/// password are decoded. Left out: the user is this process's user, the port 5432, the database the
/// user's name (libpq's defaults).
///
/// `description` is the URL without its password, safe for logs, health and error messages.
public struct PostgresDatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// libpq's `sslmode` values this client honours.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP only.
        case disable
        /// TLS when the server offers it, plain otherwise; the certificate is not verified (libpq's default).
        case prefer
        /// TLS or no connection; the certificate is not verified.
        case require
        /// TLS with the certificate verified against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    /// The directory of the server's unix socket, when the URL asks for one (`?host=/dir`).
    public var socketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Parses `text`; throws `.invalidValue` for `database_url` saying what is wrong (never echoing the password).
    public init(_ text: String) throws(SessionError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw Self.invalid("not a URL of the form postgres://user:password@host:port/database")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw Self.invalid("the scheme is \"\(scheme)\", expected postgres or postgresql")
        }
        var host = components.host ?? ""
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        var socketDirectory: String?
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Self.invalid("sslmode \"\(item.value ?? "")\" is not one of \(modes)")
                }
                tls = mode
            case "host" where item.value?.hasPrefix("/") == true:
                socketDirectory = item.value
            default:
                throw Self.invalid("unknown parameter \"\(item.name)\" (known: sslmode, host=/socket/dir)")
            }
        }
        if host.isEmpty && socketDirectory == nil {
            throw Self.invalid("no host: write postgres://user@host/database (or ?host=/socket/dir)")
        }
        let user = components.user.flatMap { $0.removingPercentEncoding ?? $0 } ?? NSUserName()
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.removingPercentEncoding ?? path
        guard !database.contains("/") else { throw Self.invalid("the path must be one database name") }
        self.host = host.isEmpty ? "localhost" : host
        self.port = components.port ?? 5432
        self.socketDirectory = socketDirectory
        self.username = user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.isEmpty ? user : database
        self.tls = tls
    }

    /// The URL without its password (a password is shown as `***`).
    public var description: String {
        let credentials = password == nil ? username : "\(username):***"
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var text = "postgres://\(credentials)@\(address)/\(database)"
        if let socketDirectory { text += "?host=\(socketDirectory)" }
        return text
    }

    /// Where the database is, for a caller: host, port and database name, without user or password.
    public var location: String {
        let address = socketPath ?? (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        return "PostgreSQL \(address)/\(database)"
    }

    /// postgres-nio's client configuration for this URL (pool and timeouts left at their defaults).
    public var clientConfiguration: PostgresClient.Configuration {
        guard let socketPath else {
            let tls: PostgresClient.Configuration.TLS =
                tlsSettings.map { $0.required ? .require($0.settings) : .prefer($0.settings) } ?? .disable
            return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        return .init(unixSocketPath: socketPath, username: username, password: password, database: database)
    }

    /// postgres-nio's configuration of one connection outside the pool (the backend's reachability
    /// checks); throws when the TLS context cannot be made.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        guard let socketPath else {
            var tls = PostgresConnection.Configuration.TLS.disable
            if let (settings, required) = tlsSettings {
                let context = try NIOSSLContext(configuration: settings)
                tls = required ? .require(context) : .prefer(context)
            }
            return .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        return .init(unixSocketPath: socketPath, username: username, password: password, database: database)
    }

    private var socketPath: String? {
        socketDirectory.map { "\($0)/.s.PGSQL.\(port)" }
    }

    /// The TLS settings `tls` asks for and whether TLS is required; nil for none.
    private var tlsSettings: (settings: TLSConfiguration, required: Bool)? {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch tls {
        case .disable: return nil
        case .prefer: return (unverified, false)
        case .require: return (unverified, true)
        case .verifyFull: return (.makeClientConfiguration(), true)
        }
    }

    private static func invalid(_ reason: String) -> SessionError {
        .invalidValue(field: "database_url", reason: reason)
    }
}
