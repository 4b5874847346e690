import RenderTypes
import RpcClient
import SessionContext
import Testing
import TestSupport

/// `cookies.*` round-trip through a real server.
@Suite(.serialized) struct CookieCallTests {
    static let sid = Cookie(name: "sid", value: "abc", domain: "shop.test", secure: true, httpOnly: true, sameSite: .lax)
    static let theme = Cookie(name: "theme", value: "dark", domain: "www.shop.test", path: "/app", expires: 4_102_444_800)

    @Test func setCookiesThenCookiesReturnsThemExactly() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "c")
                #expect(try await client.setCookies([Self.sid, Self.theme], sessionID: "c") == 2)
                let all = try await client.cookies(sessionID: "c")
                #expect(Set(all) == [Self.sid, Self.theme])
                #expect(try await server.store.peek("c").cookies.count == 2)
            }
        }
    }

    @Test func cookiesFiltersByDomainAndName() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "c")
                try await client.setCookies([Self.sid, Self.theme], sessionID: "c")
                #expect(try await client.cookies(sessionID: "c", domain: "shop.test") == [Self.sid])
                #expect(try await client.cookies(sessionID: "c", name: "theme") == [Self.theme])
            }
        }
    }

    @Test func deleteCookieSaysWhetherOneWasThere() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "c")
                try await client.setCookies([Self.sid], sessionID: "c")
                #expect(try await client.deleteCookie(sessionID: "c", domain: "shop.test", name: "sid") == true)
                #expect(try await client.deleteCookie(sessionID: "c", domain: "shop.test", name: "sid") == false)
                #expect(try await client.cookies(sessionID: "c").isEmpty)
            }
        }
    }

    @Test func clearCookiesRemovesEveryCookieAndCountsThem() async throws {
        try await TestServer.run { server in
            try await server.withClient { client in
                _ = try await client.createSession(id: "c")
                try await client.setCookies([Self.sid, Self.theme], sessionID: "c")
                #expect(try await client.clearCookies(sessionID: "c") == 2)
                #expect(try await client.cookies(sessionID: "c").isEmpty)
            }
        }
    }
}
