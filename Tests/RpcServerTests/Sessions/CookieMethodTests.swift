import Foundation
import RenderTypes
@testable import RpcServer
import SessionContext
import Testing
import TestSupport

/// `cookies.get|set|delete|clear`: the session's jar over JSON-RPC; every bad input refused with
/// nothing stored.
@Suite(.serialized) struct CookieMethodTests {
    static let login: JSONValue = [
        "name": "sid", "value": "abc123", "domain": "example.test", "path": "/", "secure": true, "http_only": true,
        "same_site": "Lax", "expires": 1_900_000_000,
    ]
    static let theme: JSONValue = ["name": "theme", "value": "dark", "domain": ".example.test"]
    static let other: JSONValue = ["name": "sid", "value": "zzz", "domain": "other.test"]

    func withSession(clock: ManualWallClock = manualClock(), _ body: (TestServer, ManualWallClock) async throws -> Void) async throws {
        try await TestServer.run(clock: clock) { server in
            _ = try await server.result("session.create", ["session_id": "c"])
            try await body(server, clock)
        }
    }

    @Test func setStoresCookiesAndGetReturnsThem() async throws {
        try await withSession { server, _ in
            #expect(try await server.checkedResult("cookies.set", ["session_id": "c", "cookies": [Self.login, Self.theme]]) == ["count": 2])
            let cookies = try await server.checkedResult("cookies.get", ["session_id": "c"])["cookies"]?.arrayValue
            #expect(cookies?.count == 2)
            #expect(cookies?.first { $0["name"] == "sid" } == Self.login)
            // Defaults are filled in: path "/", secure and http_only false.
            #expect(cookies?.first { $0["name"] == "theme" } == [
                "name": "theme", "value": "dark", "domain": ".example.test", "path": "/", "secure": false, "http_only": false,
            ])
            #expect(try await server.result("session.get", ["session_id": "c"])["cookie_count"] == 2)
        }
    }

    @Test func setReplacesTheCookieWithTheSameNameDomainAndPath() async throws {
        try await withSession { server, _ in
            _ = try await server.result("cookies.set", ["session_id": "c", "cookies": [Self.login]])
            var changed = try #require(Self.login.objectValue)
            changed["value"] = "new"
            _ = try await server.result("cookies.set", ["session_id": "c", "cookies": [.object(changed)]])
            let cookies = try await server.result("cookies.get", ["session_id": "c"])["cookies"]?.arrayValue
            #expect(cookies?.map { $0["value"] } == ["new"])
        }
    }

    @Test func getFiltersByDomainMatchAndName() async throws {
        try await withSession { server, _ in
            _ = try await server.result("cookies.set", ["session_id": "c", "cookies": [Self.login, Self.theme, Self.other]])
            let forSubdomain = try await server.result("cookies.get", ["session_id": "c", "domain": "www.example.test"])
            #expect(forSubdomain["cookies"]?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["sid", "theme"])
            let byName = try await server.result("cookies.get", ["session_id": "c", "name": "sid"])
            #expect(byName["cookies"]?.arrayValue?.compactMap { $0["domain"]?.stringValue }.sorted() == ["example.test", "other.test"])
            let both = try await server.result("cookies.get", ["session_id": "c", "domain": "other.test", "name": "sid"])
            #expect(both["cookies"]?.arrayValue == [Self.other.merging(["path": "/", "secure": false, "http_only": false])])
        }
    }

    /// A cookie with `fields` added to name "n", value "v", domain "d.test" (nil removes one).
    static func cookie(_ fields: [String: JSONValue?]) -> JSONValue {
        var object: [String: JSONValue] = ["name": "n", "value": "v", "domain": "d.test"]
        for (key, value) in fields { object[key] = value }
        return .object(object)
    }

    static let invalidCookies: [(JSONValue, String)] = [
        (cookie(["name": ""]), "name"),
        (cookie(["name": "a;b"]), "name"),
        (cookie(["domain": ""]), "domain"),
        (cookie(["domain": JSONValue?.none]), "domain"),
        (cookie(["path": "nope"]), "path"),
        (cookie(["same_site": "None"]), "secure"),
        (cookie(["same_site": "Weird"]), "same_site"),
        (cookie(["expires": -1]), "expires"),
        (cookie(["secure": "yes"]), "secure"),
        (cookie(["httpOnly": true]), "httpOnly"),
    ]

    @Test(arguments: invalidCookies)
    func invalidCookieIsRefusedNamingItsField(cookie: JSONValue, field: String) async throws {
        try await withSession { server, clock in
            _ = try await server.result("cookies.set", ["session_id": "c", "cookies": [Self.theme]])
            try await server.expectRefused(
                "cookies.set", ["session_id": "c", "cookies": .array([Self.login, cookie])], code: -32602,
                field: "cookies[1].\(field)", clock: clock
            )
        }
    }

    @Test func tooManyCookiesChangeNothing() async throws {
        try await withSession { server, clock in
            let many = (0..<600).map { JSONValue.object(["name": .string("n\($0)"), "value": "v", "domain": "d.test"]) }
            #expect(try await server.result("cookies.set", ["session_id": "c", "cookies": .array(many)]) == ["count": 600])
            let more = (600..<1001).map { JSONValue.object(["name": .string("n\($0)"), "value": "v", "domain": "d.test"]) }
            // 600 stored + 401 new = 1001 > 1000: refused as a whole.
            try await server.expectRefused(
                "cookies.set", ["session_id": "c", "cookies": .array(more)], code: -32602, field: "cookies", clock: clock
            )
        }
    }

    @Test func setWithoutCookiesNamesTheField() async throws {
        try await withSession { server, clock in
            try await server.expectRefused("cookies.set", ["session_id": "c"], code: -32602, field: "cookies", clock: clock)
            try await server.expectRefused("cookies.set", ["session_id": "c", "cookies": Self.login], code: -32602, field: "cookies", clock: clock)
        }
    }

    @Test func deleteRemovesByDomainNameAndPath() async throws {
        try await withSession { server, _ in
            var pathed = try #require(Self.login.objectValue)
            pathed["path"] = "/app"
            _ = try await server.result("cookies.set", ["session_id": "c", "cookies": [Self.login, .object(pathed), Self.other]])
            let onPath = try await server.checkedResult(
                "cookies.delete", ["session_id": "c", "domain": "example.test", "name": "sid", "path": "/app"]
            )
            #expect(onPath == ["deleted": true])
            #expect(try await server.result("cookies.get", ["session_id": "c", "domain": "example.test"])["cookies"]?.arrayValue?.count == 1)
            #expect(try await server.result("cookies.delete", ["session_id": "c", "domain": "example.test", "name": "sid"]) == ["deleted": true])
            #expect(try await server.result("cookies.delete", ["session_id": "c", "domain": "example.test", "name": "sid"]) == ["deleted": false])
            #expect(try await server.result("cookies.get", ["session_id": "c"])["cookies"]?.arrayValue == [Self.other.merging(["path": "/", "secure": false, "http_only": false])])
        }
    }

    @Test func deleteNeedsDomainAndName() async throws {
        try await withSession { server, clock in
            try await server.expectRefused("cookies.delete", ["session_id": "c", "name": "sid"], code: -32602, field: "domain", clock: clock)
            try await server.expectRefused("cookies.delete", ["session_id": "c", "domain": "d.test"], code: -32602, field: "name", clock: clock)
        }
    }

    @Test func clearEmptiesTheJar() async throws {
        try await withSession { server, _ in
            _ = try await server.result("cookies.set", ["session_id": "c", "cookies": [Self.login, Self.theme]])
            #expect(try await server.checkedResult("cookies.clear", ["session_id": "c"]) == ["removed": 2])
            #expect(try await server.result("cookies.clear", ["session_id": "c"]) == ["removed": 0])
            #expect(try await server.stored().first?.cookies.isEmpty == true)
        }
    }

    @Test(arguments: ["cookies.get", "cookies.clear"])
    func unknownSessionIsNotFound(method: String) async throws {
        try await withSession { server, _ in
            try await server.expectRefused(method, ["session_id": "nobody"], code: -32001)
        }
    }

    @Test func cookiesOfAnExpiredSessionAreNotServed() async throws {
        try await withSession { server, clock in
            _ = try await server.result("cookies.set", ["session_id": "c", "cookies": [Self.login]])
            clock.advance(by: 86_401)
            try await server.expectRefused("cookies.get", ["session_id": "c"], code: -32002, clock: clock)
            try await server.expectRefused("cookies.set", ["session_id": "c", "cookies": [Self.theme]], code: -32002, clock: clock)
        }
    }
}

extension JSONValue {
    /// This object with `other`'s members added.
    func merging(_ other: [String: JSONValue]) -> JSONValue {
        .object((objectValue ?? [:]).merging(other) { _, new in new })
    }
}
