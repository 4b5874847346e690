import Egress
import Headless
import Rendering
@testable import RpcServer
import Testing

/// `tidepool serve`'s flags are the rows of the settings table: each flag and its environment
/// variable set the same thing, a flag wins, and what the table does not know is refused.
@Suite struct SettingFlagsTests {
    static let sized = BrowserPoolConfig.sized(for: .current())

    /// A valid value for every setting, other than its default.
    static let samples = [
        "TIDEPOOL_HOST": "0.0.0.0", "TIDEPOOL_PORT": "8080", "TIDEPOOL_TOKEN": "s3cret",
        "TIDEPOOL_TENANTS_FILE": "/etc/tidepool/tenants.json",
        "TIDEPOOL_MAX_BODY_BYTES": "2048", "TIDEPOOL_MAX_BATCH_SIZE": "7", "TIDEPOOL_BATCH_CONCURRENCY": "3",
        "SESSION_BASE_DIR": "/var/lib/tidepool", "TIDEPOOL_SESSION_BACKEND": "memory", "SESSION_DEFAULT_TTL_SECS": "600",
        "TIDEPOOL_DATABASE_URL": "postgres://tidepool@db.internal:5432/sessions", "TIDEPOOL_NODE_ID": "node-a",
        "TIDEPOOL_ADVERTISE_URL": "http://node-a.internal:9123", "TIDEPOOL_HEARTBEAT_INTERVAL_MS": "500",
        "TIDEPOOL_NODE_TIMEOUT_MS": "8000", "TIDEPOOL_LEASE_MS": "3000",
        "SESSION_MAX_CONCURRENT": "10", "SESSION_CLEANUP_INTERVAL_SECS": "5", "SESSION_PERSIST_COOKIES": "false",
        "TIDEPOOL_ENGINE": "chromium",
        // The pool's sizes default to what this machine is given: one more than that is never the default.
        "BROWSER_MIN_POOL_SIZE": "\(sized.minPoolSize + 1)", "BROWSER_MAX_POOL_SIZE": "\(sized.maxPoolSize + 1)",
        "BROWSER_INITIAL_POOL_SIZE": "\(sized.initialPoolSize + 1)", "BROWSER_CONTEXTS_PER_BROWSER": "\(sized.contextsPerBrowser + 1)",
        "BROWSER_IDLE_TIMEOUT_SECS": "30", "BROWSER_MAX_LIFETIME_SECS": "600",
        "BROWSER_MEMORY_THRESHOLD_MB": "256", "CHROME_EXECUTABLE_PATH": "/opt/chromium/chrome",
        "CHROME_USER_DATA_DIR": "/srv/profiles", "CHROME_NO_SANDBOX": "true", "TIDEPOOL_MAX_PROFILE_BROWSERS": "2", "TIDEPOOL_MAX_CDP_BROWSERS": "3",
        "TIDEPOOL_RECYCLE_MAX_USES": "5",
        "TIDEPOOL_ALLOW_NETWORKS": "127.0.0.1/32,10.8.0.0/16", "TIDEPOOL_ALLOW_PRIVATE_NETWORKS": "true",
    ]

    @Test(arguments: ServerSettings.all.map(\.environmentName))
    func flagAndVariableSetTheSameThing(name: String) throws {
        let setting = try #require(ServerSettings.named(name))
        let value = try #require(Self.samples[name], "no sample value for \(name)")
        let byVariable = try TidepoolServer.Configuration(environment: [name: value])
        let byFlag = try TidepoolServer.Configuration(
            environment: [:], flags: ServerSettings.values(fromFlags: ["--\(setting.flag)", value]))
        let byFlagWithEquals = try TidepoolServer.Configuration(
            environment: [:], flags: ServerSettings.values(fromFlags: ["--\(setting.flag)=\(value)"]))
        #expect(setting.value(in: byVariable) == value)
        #expect(setting.value(in: byFlag) == value)
        #expect(setting.value(in: byFlagWithEquals) == value)
        #expect(setting.defaultValue != value, "the sample must change something")
    }

    @Test func aFlagWinsOverItsVariable() throws {
        let environment = ["TIDEPOOL_PORT": "8080", "SESSION_DEFAULT_TTL_SECS": "100"]
        let configuration = try TidepoolServer.Configuration(
            environment: environment, flags: ServerSettings.values(fromFlags: ["--port", "9000"]))
        #expect(configuration.http.port == 9000)
        #expect(configuration.sessions.defaultTTLSeconds == 100, "a variable without its flag still applies")
    }

    @Test func aYesNoFlagAloneMeansYes() throws {
        #expect(try ServerSettings.values(fromFlags: ["--allow-private-networks"]) == ["TIDEPOOL_ALLOW_PRIVATE_NETWORKS": "true"])
        #expect(try ServerSettings.values(fromFlags: ["--allow-private-networks", "--port", "1"])
            == ["TIDEPOOL_ALLOW_PRIVATE_NETWORKS": "true", "TIDEPOOL_PORT": "1"])
        #expect(try ServerSettings.values(fromFlags: ["--allow-private-networks", "no"]) == ["TIDEPOOL_ALLOW_PRIVATE_NETWORKS": "no"])
        let configuration = try TidepoolServer.Configuration(
            environment: [:], flags: ServerSettings.values(fromFlags: ["--allow-private-networks"]))
        #expect(configuration.browser.applied().egress?.allowPrivateNetworks == true)
    }

    @Test func aBadNetworkIsRefusedNamingIt() {
        #expect(throws: ConfigurationError.self) {
            try TidepoolServer.Configuration(environment: ["TIDEPOOL_ALLOW_NETWORKS": "127.0.0.1/32,not-a-net"])
        }
    }

    @Test func theLastOfARepeatedFlagWins() throws {
        #expect(try ServerSettings.values(fromFlags: ["--port", "1", "--port=2"]) == ["TIDEPOOL_PORT": "2"])
    }

    @Test(arguments: [
        (["--bogus", "1"], SettingFlagError.unknownFlag("--bogus")),
        (["--bogus=1"], .unknownFlag("--bogus")),
        (["--port"], .missingValue(flag: "--port")),
        (["--port", "--host", "h"], .missingValue(flag: "--port")),
        (["8080"], .unexpectedArgument("8080")),
        (["--"], .unexpectedArgument("--")),
    ])
    func whatTheTableDoesNotKnowIsRefused(arguments: [String], error: SettingFlagError) {
        #expect(throws: error) { try ServerSettings.values(fromFlags: arguments) }
    }

    @Test func aBadFlagValueIsRefusedNamingTheFlag() throws {
        let flags = try ServerSettings.values(fromFlags: ["--port", "ninety"])
        let error = #expect(throws: ConfigurationError.self) { try TidepoolServer.Configuration(environment: [:], flags: flags) }
        #expect(error?.description == #"TIDEPOOL_PORT (--port) is "ninety": expected an integer from 0 to 65535"#)
    }

    @Test func defaultsAreReadOffTheConfigurationStructs() {
        let pool = BrowserPoolConfig.sized(for: .current())
        #expect(ServerSettings.named("TIDEPOOL_PORT")?.defaultValue == "\(HTTPConfiguration().port)")
        #expect(ServerSettings.named("SESSION_BASE_DIR")?.defaultValue == SessionsConfiguration().dataDirectory)
        #expect(ServerSettings.named("TIDEPOOL_TOKEN")?.defaultValue == nil, "no token unless one is given")
        // A browser setting left unset is the pool's own default.
        #expect(ServerSettings.named("BROWSER_MAX_POOL_SIZE")?.defaultValue == "\(pool.maxPoolSize)")
        #expect(ServerSettings.named("BROWSER_CONTEXTS_PER_BROWSER")?.defaultValue == "\(pool.contextsPerBrowser)")
        #expect(ServerSettings.named("BROWSER_IDLE_TIMEOUT_SECS")?.defaultValue == "\(pool.idleTimeout.components.seconds)")
        #expect(ServerSettings.named("TIDEPOOL_ENGINE")?.defaultValue == pool.launch.engine.rawValue)
        #expect(
            ServerSettings.named("CHROME_USER_DATA_DIR")?.defaultValue == SessionsConfiguration().profilesDirectory)
    }
}
