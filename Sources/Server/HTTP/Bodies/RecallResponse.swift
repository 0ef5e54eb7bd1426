import Formats
import Store

/// The answer to a recall, one result per query in order, written by `NumericJSONWriter` (keys sorted):
///
///     {"results": [{"energies": [E(x⁽⁰⁾) … E(x⁽ˢᵗᵉᵖˢ⁻¹⁾)] (when traced), "energy": E(final state),
///                   "nearest": {"distance": d, "id": id, "index": i} (mrdam), "state": [dim],
///                   "steps": steps}, …],
///      "version": the store version recalled from}
struct RecallResponse: NumericJSONEncodable {
    let outcome: RecallOutcome
    /// Whether each result carries its energy trace.
    let trace: Bool

    init(_ outcome: RecallOutcome, trace: Bool) {
        self.outcome = outcome
        self.trace = trace
    }

    var estimatedBytes: Int {
        let descent = outcome.descent
        let floats = descent.states.values.count + (trace ? descent.steps.reduce(0, +) : 0)
        return 13 * floats + 96 * descent.states.rows + 32
    }

    func write(to json: inout NumericJSONWriter) {
        let descent = outcome.descent
        json.raw("{\"results\":[")
        for b in 0..<descent.states.rows {
            json.raw(b == 0 ? "{" : ",{")
            if trace {
                json.raw("\"energies\":")
                json.floats(descent.trace(b))
                json.raw(",")
            }
            json.raw("\"energy\":")
            json.float(descent.finalEnergies[b])
            if let nearest = outcome.nearest?[b] {
                json.raw(",\"nearest\":{\"distance\":")
                json.float(nearest.distance)
                json.raw(",\"id\":")
                json.string(nearest.id)
                json.raw(",\"index\":")
                json.integer(nearest.index)
                json.raw("}")
            }
            json.raw(",\"state\":")
            json.floats(descent.states.row(b))
            json.raw(",\"steps\":")
            json.integer(descent.steps[b])
            json.raw("}")
        }
        json.raw("],\"version\":")
        json.integer(outcome.version)
        json.raw("}")
    }
}
