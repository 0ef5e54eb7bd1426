/// Whether `a` and `b` have the same count and agree entry by entry within max(`absolute`,
/// `relative`·|b[i]|) (`b` is the reference). NaN agrees with nothing. The one approximate comparison
/// of the tests.
package func approximatelyEqual<T: BinaryFloatingPoint>(_ a: [T], _ b: [T], absolute: T = 0, relative: T = 0) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= Swift.max(absolute, relative * abs($1)) }
}

/// `approximatelyEqual` of two numbers.
package func approximatelyEqual<T: BinaryFloatingPoint>(_ a: T, _ b: T, absolute: T = 0, relative: T = 0) -> Bool {
    approximatelyEqual([a], [b], absolute: absolute, relative: relative)
}

/// The largest |a[i] − b[i]| (0 when empty), for reporting how far apart two arrays are.
package func maxDifference<T: BinaryFloatingPoint>(_ a: [T], _ b: [T]) -> T {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}
