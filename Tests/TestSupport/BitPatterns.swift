import Core

/// The bit patterns of `values`, for comparing results that must be bit-exact: `Float`'s `==` says
/// −0 equals +0 and that NaN equals nothing, so `a.bitPatterns == b.bitPatterns` is the comparison.
extension Array where Element == Float {
    package var bitPatterns: [UInt32] { map(\.bitPattern) }
}

extension Array where Element == Double {
    /// The bit patterns of `values` (see the `Float` version).
    package var bitPatterns: [UInt64] { map(\.bitPattern) }
}

extension DescentResult {
    /// The final states, energy traces and final energies as bit patterns, and the steps and the steps
    /// at the clip: equal only when two descents agree bit for bit.
    package var bitPatterns: [[UInt32]] {
        [states.values.bitPatterns, energies.values.bitPatterns, finalEnergies.bitPatterns, steps.map { UInt32($0) },
         clippedSteps.map { UInt32($0) }]
    }
}
