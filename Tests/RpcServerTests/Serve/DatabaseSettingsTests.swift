@testable import Rendering
@testable import RpcServer
import Testing
import TestSupport

/// The settings of a node that shares its sessions: the database URL (whose password never shows)
/// and the node's name and advertised URL.
@Suite struct DatabaseSettingsTests {
    @Test func aDatabaseURLsPasswordNeverShows() throws {
        let setting = try #require(ServerSettings.named("TIDEPOOL_DATABASE_URL"))
        let configuration = try TidepoolServer.Configuration(
            environment: ["TIDEPOOL_DATABASE_URL": "postgres://tidepool:s3cret@db.internal/sessions"])
        #expect(configuration.sessions.databaseURL == "postgres://tidepool:s3cret@db.internal/sessions")
        #expect(setting.value(in: configuration) == "postgres://tidepool:***@db.internal:5432/sessions")
        let error = #expect(throws: ConfigurationError.self) {
            try TidepoolServer.Configuration(environment: ["TIDEPOOL_DATABASE_URL": "postgres://tidepool:s3cret@db/a?pool=2"])
        }
        #expect(error?.description.contains("s3cret") == false, "\(error?.description ?? "")")
        #expect(error?.description.contains("postgres://tidepool:***@db/a?pool=2") == true, "\(error?.description ?? "")")
    }

    @Test func thePostgresBackendWithoutADatabaseURLIsRefusedNamingTheSetting() async throws {
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await SessionService.open(configuration: SessionsConfiguration(backend: .postgres), logger: testLogger())
        }
        #expect(error?.setting == "TIDEPOOL_DATABASE_URL")
    }

    @Test func theNodeIsNamedByTheHostAndPortUnlessToldOtherwise() throws {
        let host = NodeConfiguration.hostName
        let defaults = try TidepoolServer.Configuration(environment: ["TIDEPOOL_PORT": "8080"])
        #expect(ServerSettings.named("TIDEPOOL_NODE_ID")?.value(in: defaults) == "\(host):8080")
        #expect(ServerSettings.named("TIDEPOOL_ADVERTISE_URL")?.value(in: defaults) == "http://\(host):8080")
        let named = try TidepoolServer.Configuration(
            environment: ["TIDEPOOL_NODE_ID": "a", "TIDEPOOL_ADVERTISE_URL": "https://a.internal"])
        #expect(named.node == NodeConfiguration(id: "a", advertiseURL: "https://a.internal"))
    }

    @Test func theClustersPaceIsSetInMillisecondsAndAHeartbeatMustFitInTheNodeTimeout() throws {
        let defaults = try TidepoolServer.Configuration(environment: [:])
        #expect(ServerSettings.named("TIDEPOOL_HEARTBEAT_INTERVAL_MS")?.value(in: defaults) == "1000")
        #expect(ServerSettings.named("TIDEPOOL_NODE_TIMEOUT_MS")?.value(in: defaults) == "5000")
        #expect(ServerSettings.named("TIDEPOOL_LEASE_MS")?.value(in: defaults) == "5000")
        let paced = try TidepoolServer.Configuration(
            environment: ["TIDEPOOL_NODE_TIMEOUT_MS": "3000", "TIDEPOOL_LEASE_MS": "2000"],
            flags: ["TIDEPOOL_HEARTBEAT_INTERVAL_MS": "250"])
        #expect(paced.node.heartbeatInterval == .milliseconds(250))
        #expect(paced.node.nodeTimeout == .seconds(3))
        #expect(paced.node.leaseDuration == .seconds(2))
        let error = #expect(throws: ConfigurationError.self) {
            try TidepoolServer.Configuration(environment: ["TIDEPOOL_HEARTBEAT_INTERVAL_MS": "5000"])
        }
        #expect(error?.setting == "TIDEPOOL_NODE_TIMEOUT_MS")
        #expect(throws: ConfigurationError.self) {
            try TidepoolServer.Configuration(environment: ["TIDEPOOL_LEASE_MS": "0"])
        }
    }
}
