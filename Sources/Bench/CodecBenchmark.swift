import Formats
import Foundation

/// `engram bench --codec`: the numeric JSON codec's throughput, parsing a `points` body [1000, 784]
/// (`NumericJSON`) and writing an energy response with gradients [1000, 784] (`NumericJSONWriter`),
/// against Foundation's `JSONDecoder` and `JSONEncoder` on the same numbers in the same run. The
/// numbers are uniform in [-1, 1), written as clients write them: 9 significant digits (`%.9g`), as
/// Python's `json.dumps` writes float32 values turned into floats (the double's shortest repr, up to 17
/// digits), float32's shortest, and one decimal (`0.5`). MB/s counts 10⁶ bytes of JSON text a second.
package struct CodecBenchmark {
    /// Timed runs per measurement; the fastest counts.
    let repeats: Int
    /// Writes the server's energy response for `energies` [B] and `gradients` [B][dim] with
    /// `NumericJSONWriter` (the server's own body type, which lives with the routes); returns its bytes.
    let writeEnergyResponse: (_ energies: [Float], _ gradients: [[Float]]) -> Int
    let rows = 1000
    let dim = 784

    package init(repeats: Int, writeEnergyResponse: @escaping (_ energies: [Float], _ gradients: [[Float]]) -> Int) {
        self.repeats = repeats
        self.writeEnergyResponse = writeEnergyResponse
    }

    package func run() throws -> String {
        let values = Benchmark.data(rows: rows, cols: dim, stream: 4).values.map { 2 * $0 - 1 }
        let oneDecimal = values.map { ($0 * 10).rounded() / 10 }
        var lines = ["codec: [\(rows), \(dim)] float32 per body, best of \(repeats) after a warm-up; MB/s of JSON text"]

        let forms: [(name: String, values: [Float], text: (Float) -> String)] = [
            ("%.9g", values, { String(format: "%.9g", Double($0)) }),
            ("json.dumps (≤ 17 digits)", values, { "\(Double($0))" }),
            ("float32 shortest", values, { "\($0)" }),
            ("one decimal", oneDecimal, { String(format: "%.1f", Double($0)) }),
        ]
        for form in forms {
            let body = Data(("{\"points\":[" + (0..<rows).map { r in
                "[" + form.values[(r * dim)..<((r + 1) * dim)].map(form.text).joined(separator: ",") + "]"
            }.joined(separator: ",") + "]}").utf8)
            let ours = try throughput(bytes: body.count) {
                _ = try body.withUnsafeBytes { try NumericJSON($0, fields: ["points": .matrix], maxRows: rows, dim: dim) }
            }
            let foundation = try throughput(bytes: body.count) { _ = try JSONDecoder().decode([String: [[Float]]].self, from: body) }
            lines.append(line("parse", form.name, bytes: body.count, ours: ours, foundation: foundation))
        }

        for (name, numbers) in [("random", values), ("one decimal", oneDecimal)] {
            let gradients = (0..<rows).map { Array(numbers[($0 * dim)..<(($0 + 1) * dim)]) }
            let energies = Array(numbers[0..<rows])
            var written = 0
            let ours = try throughput(bytes: { written }) { written = writeEnergyResponse(energies, gradients) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var data = Data()
            let foundation = try throughput(bytes: { data.count }) { data = try encoder.encode(["energies": [energies], "gradients": gradients]) }
            lines.append(line("write", name, bytes: written, ours: ours, foundation: foundation))
        }
        return lines.joined(separator: "\n")
    }

    private func line(_ direction: String, _ name: String, bytes: Int, ours: Double, foundation: Double) -> String {
        let size = String(format: "%.1f MB", Double(bytes) / 1e6)
        let figures = String(format: "%7.1f MB/s; Foundation %6.1f MB/s (%.1f× faster)", ours, foundation, ours / foundation)
        return "  \(direction) \(name.padded(25)) \(size.padded(8)) \(figures)"
    }

    /// MB/s of the fastest of `repeats` runs of `body` (after one warm-up), `bytes` being the text one
    /// run reads or writes.
    private func throughput(bytes: () -> Int, _ body: () throws -> Void) throws -> Double {
        try body()
        return Double(bytes()) / (try Stopwatch.fastest(repeats, body)) / 1e6
    }

    private func throughput(bytes: Int, _ body: () throws -> Void) throws -> Double {
        try throughput(bytes: { bytes }, body)
    }
}
