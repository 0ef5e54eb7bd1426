import Core

/// Why one query's recall may have done nothing useful (docs/api.md, "Recall warnings"). The raw value is
/// the code in responses.
package enum RecallWarning: String, Sendable, Equatable, CaseIterable {
    /// Every step of the descent was at the lse clip (drdam: s(x) ≤ ε): the energy was flat and the
    /// state never moved.
    case clipped
    /// The final state equals the query bit for bit: the descent did not move it.
    case unchanged
    /// drdam: s(x) at the query or at the final state is under its random-feature noise (ratio < 1),
    /// so the features cannot tell that state's kernel sum from their own error.
    case signalBelowNoise = "signal_below_noise"

    /// A sentence for people: what happened and what to change.
    package var message: String {
        switch self {
        case .clipped:
            "every step was at the lse clip (s(x) <= eps): the energy was flat and the state did not move; lower beta or raise the features (docs/choosing-beta-and-features.md)"
        case .unchanged:
            "the final state equals the query: the descent did not move it"
        case .signalBelowNoise:
            "s(x) is under its random-feature noise at the query or the result: raise the features or lower beta (docs/choosing-beta-and-features.md)"
        }
    }

    /// The warnings of query `b` of a recall from `queries` [B, D] that ended in `descent`, with its
    /// signal at the query and at the final state (drdam; nil for mrdam).
    static func of(query b: Int, queries: Matrix, descent: DescentResult, start: SignalEstimate?, end: SignalEstimate?) -> [RecallWarning] {
        var warnings: [RecallWarning] = []
        if descent.steps[b] > 0, descent.clippedSteps[b] == descent.steps[b] { warnings.append(.clipped) }
        if descent.states.row(b) == queries.row(b) { warnings.append(.unchanged) }
        if let start, let end, !(start.ratio >= 1 && end.ratio >= 1) { warnings.append(.signalBelowNoise) }
        return warnings
    }
}
