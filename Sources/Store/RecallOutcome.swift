import Core

/// The result of a recall from one version of a store.
package struct RecallOutcome: Sendable {
    /// The descent: final states [B, D], traces [B, depth], steps [B], final energies [B], steps at the clip [B].
    package let descent: DescentResult
    /// mrdam: the memory nearest to each final state [B]; nil for drdam.
    package let nearest: [NearestNeighbour]?
    /// drdam: s and its noise at each query [B] and at each final state [B]; nil for mrdam (no features, no noise).
    package let signal: (start: [SignalEstimate], end: [SignalEstimate])?
    /// What each query's recall may have done wrong [B] (empty: nothing).
    package let warnings: [[RecallWarning]]
    /// The version of the store recalled from.
    package let version: UInt64

    package init(descent: DescentResult, nearest: [NearestNeighbour]?, signal: (start: [SignalEstimate], end: [SignalEstimate])?,
                 warnings: [[RecallWarning]], version: UInt64) {
        self.descent = descent
        self.nearest = nearest
        self.signal = signal
        self.warnings = warnings
        self.version = version
    }

    /// The outcome of a recall from `queries` [B, D]: `warnings` is worked out from them.
    init(queries: Matrix, descent: DescentResult, nearest: [NearestNeighbour]?, signal: (start: [SignalEstimate], end: [SignalEstimate])?,
         version: UInt64) {
        let warnings = (0..<queries.rows).map {
            RecallWarning.of(query: $0, queries: queries, descent: descent, start: signal?.start[$0], end: signal?.end[$0])
        }
        self.init(descent: descent, nearest: nearest, signal: signal, warnings: warnings, version: version)
    }

    /// The outcome of the queries `range` alone (a merged batch, split back to its requests).
    package func queries(_ range: Range<Int>) -> RecallOutcome {
        RecallOutcome(descent: descent.queries(range), nearest: nearest.map { Array($0[range]) },
                      signal: signal.map { (Array($0.start[range]), Array($0.end[range])) }, warnings: Array(warnings[range]), version: version)
    }
}
