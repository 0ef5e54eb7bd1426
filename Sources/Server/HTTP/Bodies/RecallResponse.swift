import Hummingbird
import Store

/// The answer to a recall: one result per query, in order.
struct RecallResponse: ResponseEncodable {
    var results: [RecallResult]
    /// The store version recalled from.
    var version: UInt64

    init(_ outcome: RecallOutcome, trace: Bool) {
        let descent = outcome.descent
        results = (0..<descent.states.rows).map { b in
            RecallResult(
                state: descent.states.row(b),
                energies: trace ? descent.trace(b) : nil,
                steps: descent.steps[b],
                energy: descent.finalEnergies[b],
                nearest: outcome.nearest.map { NearestBody($0[b]) })
        }
        version = outcome.version
    }
}
