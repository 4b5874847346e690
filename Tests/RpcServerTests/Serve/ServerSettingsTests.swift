@testable import Rendering
@testable import RpcServer
import Testing

/// The settings table behind `tidepool serve`: environment names, parsing, validation.
@Suite struct ServerSettingsTests {
    @Test func nothingGivenKeepsTheStructDefaults() throws {
        var configuration = TidepoolServer.Configuration()
        try configuration.apply([:])
        #expect(configuration.http == HTTPConfiguration())
        #expect(configuration.sessions.defaultTTLSeconds == SessionsConfiguration().defaultTTLSeconds)
        #expect(configuration.browser.isEmpty)
    }

    @Test func everySpecEnvironmentNameIsASetting() {
        let names = Set(ServerSettings.all.map(\.environmentName))
        let spec = [
            "BROWSER_MIN_POOL_SIZE", "BROWSER_MAX_POOL_SIZE", "BROWSER_INITIAL_POOL_SIZE", "BROWSER_IDLE_TIMEOUT_SECS",
            "BROWSER_MAX_LIFETIME_SECS", "BROWSER_MEMORY_THRESHOLD_MB", "SESSION_BASE_DIR", "SESSION_DEFAULT_TTL_SECS",
            "SESSION_MAX_CONCURRENT", "SESSION_CLEANUP_INTERVAL_SECS", "SESSION_PERSIST_COOKIES",
            "CHROME_EXECUTABLE_PATH", "CHROME_USER_DATA_DIR", "CHROME_NO_SANDBOX", "TIDEPOOL_TOKEN", "TIDEPOOL_PORT",
        ]
        #expect(Set(spec).isSubset(of: names))
        #expect(Set(ServerSettings.all.map(\.flag)).count == ServerSettings.all.count)
    }

    @Test func environmentValuesAreApplied() throws {
        var configuration = TidepoolServer.Configuration()
        try configuration.apply([
            "TIDEPOOL_HOST": "0.0.0.0", "TIDEPOOL_PORT": "8080", "TIDEPOOL_TOKEN": "x", "SESSION_BASE_DIR": "/var/lib/tp",
            "SESSION_DEFAULT_TTL_SECS": "600", "SESSION_CLEANUP_INTERVAL_SECS": "5", "SESSION_PERSIST_COOKIES": "no",
            "SESSION_MAX_CONCURRENT": "10", "TIDEPOOL_SESSION_BACKEND": "memory", "BROWSER_MAX_POOL_SIZE": "4",
            "CHROME_NO_SANDBOX": "1", "TIDEPOOL_ENGINE": "chromium", "UNRELATED": "ignored",
        ])
        #expect(configuration.http == HTTPConfiguration(host: "0.0.0.0", port: 8080, bearerToken: "x"))
        #expect(configuration.sessions.dataDirectory == "/var/lib/tp")
        #expect(configuration.sessions.defaultTTLSeconds == 600)
        #expect(configuration.sessions.cleanupInterval == .seconds(5))
        #expect(configuration.sessions.persistCookies == false)
        #expect(configuration.sessions.maxSessions == 10)
        #expect(configuration.sessions.backend == .memory)
        #expect(configuration.browser.maxPoolSize == 4)
        #expect(configuration.browser.noSandbox == true)
        #expect(configuration.browser.engine == "chromium")
    }

    @Test(arguments: [
        ("TIDEPOOL_PORT", "70000"), ("TIDEPOOL_PORT", "-1"), ("SESSION_DEFAULT_TTL_SECS", "0"),
        ("SESSION_DEFAULT_TTL_SECS", "2592001"), ("SESSION_CLEANUP_INTERVAL_SECS", "soon"),
        ("SESSION_PERSIST_COOKIES", "maybe"), ("TIDEPOOL_SESSION_BACKEND", "redis"), ("TIDEPOOL_ENGINE", "firefox"),
        ("TIDEPOOL_TOKEN", ""), ("BROWSER_MAX_POOL_SIZE", "0"), ("TIDEPOOL_DATABASE_URL", "mysql://db/sessions"),
        ("TIDEPOOL_DATABASE_URL", "postgres://u@h/d?pool=9"), ("TIDEPOOL_ADVERTISE_URL", "node-a:9123"),
    ])
    func badValueIsRefusedNamingTheSetting(name: String, value: String) {
        var configuration = TidepoolServer.Configuration()
        let error = #expect(throws: ConfigurationError.self) { try configuration.apply([name: value]) }
        #expect(error?.setting == name)
        #expect(error?.description.contains("--") == true)
    }
}
