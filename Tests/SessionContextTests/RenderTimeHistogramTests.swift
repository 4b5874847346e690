import FoundationEssentials
@testable import SessionContext
import Testing

@Suite struct RenderTimeHistogramTests {
    @Test(arguments: [0.01, 0.5, 1, 3.3, 17, 250, 999.9, 12_345, 600_000])
    func everyValueIsWithinOnePointSixPercentOfItsBucketMidpoint(value: Double) {
        let midpoint = RenderTimeHistogram.midpoint(of: RenderTimeHistogram.bucket(of: value))
        #expect(abs(midpoint - value) / value <= 0.016)
    }

    @Test func bucketsAreOrderedLikeTheirValues() {
        var previous = -1
        var value = 0.01
        while value < 1_000_000 {
            let bucket = RenderTimeHistogram.bucket(of: value)
            #expect(bucket >= previous)
            previous = bucket
            value *= 1.01
        }
    }

    @Test func percentilesOfAUniformSampleAreWithinPrecision() {
        let histogram = RenderTimeHistogram()
        for value in 1...1000 { histogram.record(Double(value), shardHint: value) }
        let values = histogram.values(at: [0.5, 0.95, 0.99])
        #expect(abs(values[0] - 500) / 500 <= 0.016)
        #expect(abs(values[1] - 950) / 950 <= 0.016)
        #expect(abs(values[2] - 990) / 990 <= 0.016)
    }

    @Test func emptyHistogramReportsZeros() {
        #expect(RenderTimeHistogram().values(at: [0.5, 0.99]) == [0, 0])
    }

    @Test func outOfRangeValuesAreClampedNotLost() {
        let histogram = RenderTimeHistogram()
        histogram.record(0, shardHint: 0)
        histogram.record(1e12, shardHint: 1)
        let values = histogram.values(at: [0.5, 1])
        #expect(values[0] == 0)
        #expect(values[1] > 1_000_000)
    }
}

@Suite struct ManualWallClockTests {
    @Test func onlyMovesWhenAdvanced() {
        let clock = ManualWallClock()
        let first = clock.now()
        #expect(clock.now() == first)
        clock.advance(by: 1.5)
        #expect(clock.now() == first.addingTimeInterval(1.5))
        clock.advance(by: .milliseconds(500))
        #expect(clock.now() == first.addingTimeInterval(2))
    }
}
