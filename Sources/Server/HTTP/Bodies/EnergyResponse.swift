import Formats

/// The energies at the points and, when asked, the gradients, written by `NumericJSONWriter`:
/// `{"energies": [B], "gradients": [B][dim] (when asked), "version": the store version evaluated}`.
struct EnergyResponse: NumericJSONEncodable {
    var energies: [Float]
    var gradients: [[Float]]?
    var version: UInt64

    var estimatedBytes: Int { 13 * (energies.count + (gradients?.reduce(0) { $0 + $1.count } ?? 0)) + 64 }

    func write(to json: inout NumericJSONWriter) {
        json.raw("{\"energies\":")
        json.floats(energies)
        if let gradients {
            json.raw(",\"gradients\":[")
            for (b, row) in gradients.enumerated() {
                if b > 0 { json.raw(",") }
                json.floats(row)
            }
            json.raw("]")
        }
        json.raw(",\"version\":")
        json.integer(version)
        json.raw("}")
    }
}
