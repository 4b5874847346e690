import Foundation
@testable import Headless
import Testing

/// Which downloads are the page's, and the budget a render keeps them under (no browser needed).
@Suite struct DownloadLogTests {
    static func began(_ guid: String, frame: String = "main") throws -> CDP.Browser.DownloadWillBegin {
        let json = #"{"frameId":"\#(frame)","guid":"\#(guid)","url":"http://a/\#(guid)","suggestedFilename":"\#(guid).bin"}"#
        return try JSONDecoder().decode(CDP.Browser.DownloadWillBegin.self, from: Data(json.utf8))
    }

    static func progress(_ guid: String, received: Int, total: Int, state: String = "inProgress") throws
        -> CDP.Browser.DownloadProgress
    {
        let json = #"{"guid":"\#(guid)","receivedBytes":\#(received),"totalBytes":\#(total),"state":"\#(state)"}"#
        return try JSONDecoder().decode(CDP.Browser.DownloadProgress.self, from: Data(json.utf8))
    }

    @Test func onlyDownloadsOfThePagesFramesAreItsOwn() throws {
        var log = DownloadLog(limit: 10)
        let own: Set = ["main", "popup"]
        _ = log.begin(try Self.began("a"), owned: own.contains)
        _ = log.begin(try Self.began("b", frame: "other-page"), owned: own.contains)
        _ = log.begin(try Self.began("c", frame: "popup"), owned: own.contains)
        _ = log.progress(try Self.progress("a", received: 5, total: 5, state: "completed"), owned: own.contains)
        #expect(log.downloads.map(\.guid) == ["a", "c"])
        #expect(log.downloads.first?.state == .completed)
        #expect(log.downloads.first?.receivedBytes == 5)
    }

    @Test func aDownloadWhoseFrameIsLearnedLaterIsClaimed() throws {
        var log = DownloadLog(limit: 10)
        _ = log.begin(try Self.began("a", frame: "iframe"), owned: { $0 == "main" })
        #expect(log.downloads.isEmpty)
        #expect(log.hasRunning(owned: { $0 == "iframe" }))
        log.claim { $0 == "main" || $0 == "iframe" }
        #expect(log.downloads.map(\.guid) == ["a"])
    }

    @Test func keptDownloadsStopWhenTogetherTheyPassTheBudget() throws {
        var log = DownloadLog(limit: 10)
        log.mode = .keep(directory: "/nowhere", maxBytes: 100)
        let own: (String) -> Bool = { _ in true }
        _ = log.begin(try Self.began("a"), owned: own)
        #expect(!log.progress(try Self.progress("a", received: 60, total: 60, state: "completed"), owned: own))
        _ = log.begin(try Self.began("b"), owned: own)
        #expect(!log.progress(try Self.progress("b", received: 0, total: 0), owned: own))
        #expect(log.progress(try Self.progress("b", received: 50, total: 0), owned: own))
        #expect(log.downloads.map(\.state) == [.completed, .tooLarge])
        // Its later events change nothing.
        #expect(!log.progress(try Self.progress("b", received: 50, total: 0, state: "canceled"), owned: own))
        #expect(log.downloads.last?.state == .tooLarge)
    }

    @Test func anAnnouncedSizeOverTheBudgetStopsTheDownloadAtOnce() throws {
        var log = DownloadLog(limit: 10)
        log.mode = .keep(directory: "/nowhere", maxBytes: 100)
        _ = log.begin(try Self.began("a"), owned: { _ in true })
        #expect(log.progress(try Self.progress("a", received: 0, total: 1_000), owned: { _ in true }))
    }

    @Test func downloadsBeyondTheListAreCountedAndStoppedWhenKept() throws {
        var denied = DownloadLog(limit: 1)
        _ = denied.begin(try Self.began("a"), owned: { _ in true })
        #expect(!denied.begin(try Self.began("b"), owned: { _ in true }))
        #expect(denied.dropped == 1)
        var kept = DownloadLog(limit: 1)
        kept.mode = .keep(directory: "/nowhere", maxBytes: 100)
        _ = kept.begin(try Self.began("a"), owned: { _ in true })
        #expect(kept.begin(try Self.began("b"), owned: { _ in true }))
        #expect(kept.downloads.map(\.guid) == ["a"])
    }
}
