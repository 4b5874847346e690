import Synchronization

/// Render times in log-linear buckets (64 per power of two, so any value is within 0.8% of its
/// bucket's midpoint) from 1/128 ms to 2^21 ms (35 min), clamped outside. Fixed size whatever the
/// number of samples. Sharded so concurrent recorders rarely share a lock.
@usableFromInline
final class RenderTimeHistogram: Sendable {
    static let subBucketBits = 6
    static let minExponent = -7
    static let maxExponent = 21
    /// Bucket 0 holds values below 2^minExponent (zero included).
    static let bucketCount = (maxExponent - minExponent) << subBucketBits + 1

    private let shards: [Mutex<[UInt64]>.Box]
    private let shardMask: Int

    init(shardCount: Int = 8) {
        var count = 1
        while count < shardCount { count <<= 1 }
        shards = (0..<count).map { _ in Mutex<[UInt64]>.Box([UInt64](repeating: 0, count: Self.bucketCount)) }
        shardMask = count - 1
    }

    /// Records one value (milliseconds); `shardHint` spreads concurrent callers over the shards.
    @usableFromInline
    func record(_ milliseconds: Double, shardHint: Int) {
        let bucket = Self.bucket(of: milliseconds)
        shards[shardHint & shardMask].mutex.withLock { $0[bucket] &+= 1 }
    }

    /// The values at each quantile in `quantiles` (0...1), 0 when nothing was recorded.
    func values(at quantiles: [Double]) -> [Double] {
        var merged = [UInt64](repeating: 0, count: Self.bucketCount)
        for shard in shards {
            shard.mutex.withLock { counts in
                for index in counts.indices { merged[index] &+= counts[index] }
            }
        }
        let total = merged.reduce(0, &+)
        guard total > 0 else { return quantiles.map { _ in 0 } }
        return quantiles.map { quantile in
            let rank = max(1, UInt64((quantile * Double(total)).rounded(.up)))
            var seen: UInt64 = 0
            for (index, count) in merged.enumerated() {
                seen += count
                if seen >= rank { return Self.midpoint(of: index) }
            }
            return Self.midpoint(of: Self.bucketCount - 1)
        }
    }

    static func bucket(of value: Double) -> Int {
        guard value.isFinite, value > 0 else { return value == .infinity ? bucketCount - 1 : 0 }
        let exponent = Int(value.exponent)
        if exponent < minExponent { return 0 }
        if exponent >= maxExponent { return bucketCount - 1 }
        let subBucket = Int(truncatingIfNeeded: value.significandBitPattern >> UInt64(52 - subBucketBits))
        return (exponent - minExponent) << subBucketBits + subBucket + 1
    }

    static func midpoint(of bucket: Int) -> Double {
        if bucket == 0 { return 0 }
        let offset = bucket - 1
        let exponent = offset >> subBucketBits + minExponent
        let subBucket = offset & (1 << subBucketBits - 1)
        let scale = Double(sign: .plus, exponent: exponent, significand: 1)
        return scale * (1 + (Double(subBucket) + 0.5) / Double(1 << subBucketBits))
    }
}

extension Mutex {
    /// A heap-allocated mutex, so an array of them is possible.
    final class Box: Sendable {
        let mutex: Mutex<Value>
        init(_ value: sending Value) { mutex = Mutex(value) }
    }
}
