import FoundationEssentials
import RenderTypes
@testable import SessionContext
import Testing

@Suite struct CookieJarTests {
    func jar() -> RpcSessionContext {
        var s = RpcSessionContext(sessionId: "jar", now: .init(timeIntervalSince1970: 0))
        s.setCookies([
            Cookie(name: "a", value: "1", domain: "example.test"),
            Cookie(name: "b", value: "2", domain: ".example.test", path: "/app"),
            Cookie(name: "a", value: "3", domain: "other.test"),
        ])
        return s
    }

    @Test func setReplacesACookieWithTheSameNameDomainAndPath() {
        var s = jar()
        s.setCookies([Cookie(name: "a", value: "new", domain: "example.test")])
        #expect(s.cookies.count == 3)
        #expect(s.cookies(domain: "example.test", name: "a").map(\.value) == ["new"])
    }

    @Test func sameNameOnAnotherPathIsAnotherCookie() {
        var s = jar()
        s.setCookies([Cookie(name: "a", value: "x", domain: "example.test", path: "/other")])
        #expect(s.cookies.count == 4)
    }

    @Test func filterByDomainUsesDomainMatching() {
        let s = jar()
        #expect(Set(s.cookies(domain: "www.example.test").map(\.name)) == ["a", "b"])
        #expect(s.cookies(domain: "other.test").map(\.value) == ["3"])
        #expect(s.cookies(domain: "notexample.test").isEmpty)
    }

    @Test func filterByName() {
        #expect(jar().cookies(name: "a").count == 2)
    }

    @Test func deleteRemovesOnlyTheNamedCookieOnThatDomain() {
        var s = jar()
        let first = s.deleteCookie(domain: "example.test", name: "a")
        let second = s.deleteCookie(domain: "example.test", name: "a")
        #expect(first)
        #expect(!second)
        #expect(s.cookies.count == 2)
    }

    @Test func deleteWithPathOnlyRemovesThatPath() {
        var s = jar()
        let wrongPath = s.deleteCookie(domain: "example.test", name: "b", path: "/")
        let rightPath = s.deleteCookie(domain: "example.test", name: "b", path: "/app")
        #expect(!wrongPath)
        #expect(rightPath)
    }

    @Test func clearEmptiesTheJarAndCountsWhatWasThere() {
        var s = jar()
        let cleared = s.clearCookies()
        #expect(cleared == 3)
        #expect(s.cookies.isEmpty)
    }

    @Test func aRequestsOwnChangesApplyOnTopOfWhatChangedMeanwhile() {
        var s = jar()
        let before = s.cookies
        // Meanwhile a cookies.* call changes b, adds c and deletes the other domain's a.
        s.setCookies([Cookie(name: "b", value: "set meanwhile", domain: ".example.test", path: "/app"), Cookie(name: "c", value: "c", domain: "example.test")])
        s.deleteCookie(domain: "other.test", name: "a")
        // The request changed example.test's a, removed nothing else, added d, and left b as it found it.
        var after = before
        after[0].value = "changed by the request"
        after.append(Cookie(name: "d", value: "d", domain: "example.test"))
        s.applyCookieChanges(from: before, to: after)
        #expect(s.cookies.map { "\($0.name)@\($0.domain)=\($0.value)" } == [
            "a@example.test=changed by the request", "b@.example.test=set meanwhile", "c@example.test=c", "d@example.test=d",
        ])
    }

    @Test func aCookieTheRequestRemovedIsRemovedEvenIfItChangedMeanwhile() {
        var s = jar()
        let before = s.cookies
        s.setCookies([Cookie(name: "a", value: "set meanwhile", domain: "example.test")])
        s.applyCookieChanges(from: before, to: Array(before.dropFirst()))
        #expect(s.cookies(domain: "example.test", name: "a").isEmpty)
        #expect(s.cookies.count == 2)
    }

    @Test func withNothingChangedMeanwhileTheJarIsTheRequestsOwn() {
        var s = jar()
        let before = s.cookies
        var after = Array(before.dropLast())
        after.append(Cookie(name: "e", value: "e", domain: "example.test"))
        s.applyCookieChanges(from: before, to: after)
        #expect(s.cookies == after)
    }
}
