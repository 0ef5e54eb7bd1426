import Core
import Formats
import Store

/// The answer to a recall, one result per query in order, written by `NumericJSONWriter` (keys sorted):
///
///     {"results": [{"clipped_steps": steps at the lse clip (drdam),
///                   "energies": [E(x⁽⁰⁾) … E(x⁽ˢᵗᵉᵖˢ⁻¹⁾)] (when traced), "energy": E(final state),
///                   "nearest": {"distance": d, "id": id, "index": i} (mrdam),
///                   "signal": {"end": {"noise": σ, "ratio": s/σ, "s": s}, "start": {…}} (drdam),
///                   "state": [dim], "steps": steps,
///                   "warnings": [{"code": code, "message": text}, …] (when there are any)}, …],
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
        return 13 * floats + 512 * descent.states.rows + 32
    }

    func write(to json: inout NumericJSONWriter) {
        let descent = outcome.descent
        json.raw("{\"results\":[")
        for b in 0..<descent.states.rows {
            json.raw(b == 0 ? "{" : ",{")
            if outcome.signal != nil {
                json.raw("\"clipped_steps\":")
                json.integer(descent.clippedSteps[b])
                json.raw(",")
            }
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
            if let signal = outcome.signal {
                json.raw(",\"signal\":{\"end\":")
                Self.write(signal.end[b], to: &json)
                json.raw(",\"start\":")
                Self.write(signal.start[b], to: &json)
                json.raw("}")
            }
            json.raw(",\"state\":")
            json.floats(descent.states.row(b))
            json.raw(",\"steps\":")
            json.integer(descent.steps[b])
            if !outcome.warnings[b].isEmpty {
                json.raw(",\"warnings\":[")
                for (i, warning) in outcome.warnings[b].enumerated() {
                    json.raw(i == 0 ? "{\"code\":" : ",{\"code\":")
                    json.string(warning.rawValue)
                    json.raw(",\"message\":")
                    json.string(warning.message)
                    json.raw("}")
                }
                json.raw("]")
            }
            json.raw("}")
        }
        json.raw("],\"version\":")
        json.integer(outcome.version)
        json.raw("}")
    }

    /// `{"noise": σ, "ratio": s/σ, "s": s}`.
    private static func write(_ estimate: SignalEstimate, to json: inout NumericJSONWriter) {
        let fields: [(key: StaticString, value: Float)] = [("noise", estimate.noise), ("ratio", estimate.ratio), ("s", estimate.s)]
        for (i, field) in fields.enumerated() {
            json.raw(i == 0 ? "{\"" : ",\"")
            json.raw(field.key)
            json.raw("\":")
            json.float(field.value)
        }
        json.raw("}")
    }
}
