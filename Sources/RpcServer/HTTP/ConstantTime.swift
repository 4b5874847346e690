/// Comparisons whose duration does not depend on where two secrets first differ.
enum ConstantTime {
    /// Whether `given` equals `expected`; runs over all of `expected` whatever `given` holds, so the
    /// time taken reveals at most the expected length.
    static func equals(_ given: some Collection<UInt8>, _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        var iterator = given.makeIterator()
        for byte in expected {
            difference |= byte ^ (iterator.next() ?? ~byte)
        }
        return difference == 0
    }
}
