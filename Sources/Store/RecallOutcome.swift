import Core

/// The result of a recall from one version of a store.
package struct RecallOutcome: Sendable {
    /// The descent: final states [B, D], traces [B, depth], steps [B], final energies [B].
    package let descent: DescentResult
    /// mrdam: the memory nearest to each final state [B]; nil for drdam.
    package let nearest: [NearestNeighbour]?
    /// The version of the store recalled from.
    package let version: UInt64

    /// The outcome of the queries `range` alone (a merged batch, split back to its requests).
    package func queries(_ range: Range<Int>) -> RecallOutcome {
        RecallOutcome(descent: descent.queries(range), nearest: nearest.map { Array($0[range]) }, version: version)
    }
}
