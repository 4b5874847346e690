import SessionContext
import SessionContextPostgres
import Testing

/// The database URL: libpq's form and defaults, and a password that never shows.
@Suite struct PostgresDatabaseURLTests {
    @Test func everyPartIsReadAndEscapesAreDecoded() throws {
        let url = try PostgresDatabaseURL("postgresql://tide%40pool:p%3Ass@db.internal:6543/sessions?sslmode=require")
        #expect(url.username == "tide@pool")
        #expect(url.password == "p:ss")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.database == "sessions")
        #expect(url.tls == .require)
    }

    @Test func leftOutPartsTakeLibpqsDefaults() throws {
        let url = try PostgresDatabaseURL("postgres://tidepool@db")
        #expect(url.port == 5432)
        #expect(url.database == "tidepool", "the database defaults to the user's name")
        #expect(url.password == nil)
        #expect(url.tls == .prefer)
    }

    @Test func theDescriptionAndTheLocationNeverShowThePassword() throws {
        let url = try PostgresDatabaseURL("postgres://tidepool:s3cret@127.0.0.1:5432/sessions")
        #expect(url.description == "postgres://tidepool:***@127.0.0.1:5432/sessions")
        #expect(url.location == "PostgreSQL 127.0.0.1:5432/sessions")
        #expect(!"\(url)".contains("s3cret"))
    }

    @Test func anIPv6HostAndASocketDirectoryAreUnderstood() throws {
        #expect(try PostgresDatabaseURL("postgres://u@[::1]:5433/d").location == "PostgreSQL [::1]:5433/d")
        let socket = try PostgresDatabaseURL("postgres://u@/d?host=/run/postgresql")
        #expect(socket.location == "PostgreSQL /run/postgresql/.s.PGSQL.5432/d")
    }

    @Test(arguments: [
        ("mysql://u@h/d", "scheme"), ("postgres://u@h/d?sslmode=sometimes", "sslmode"),
        ("postgres://u@h/d?pool=3", "unknown parameter"), ("postgres:///d", "no host"), ("postgres://u@h/a/b", "one database"),
    ])
    func aMalformedURLIsRefusedSayingWhy(text: String, reason: String) {
        #expect {
            try PostgresDatabaseURL(text)
        } throws: { error in
            guard case SessionError.invalidValue("database_url", let why) = error else { return false }
            return why.contains(reason)
        }
    }
}
