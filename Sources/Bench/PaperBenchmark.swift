import Core
import Dispatch
import Foundation

/// `engram bench --paper`: the PINF setting of Hoover et al.'s Figure 1 (D = 12 288, Y = 180 000 sincos
/// features, β = 60, 4 memories, 4 queries with the first third clamped, α = 0.1), dense against
/// structured features, measured in one run: the time to create each store, query-steps per second,
/// the features' memory, and dense descent against the memory-bandwidth roof (each step reads Ω twice:
/// H = √β X Ωᵀ and G Ω), from a streaming read of a buffer far larger than the caches.
package struct PaperBenchmark {
    /// D and Y are the paper's × `scale` (1 = the paper's own).
    let scale: Double
    /// Timed runs per figure; the fastest counts.
    let repeats: Int
    /// Descent threads (queries split between them).
    let threads: Int
    /// Descent steps per timed run, dense and structured.
    let denseDepth = 3, structuredDepth = 300

    package init(scale: Double, repeats: Int, threads: Int) {
        (self.scale, self.repeats, self.threads) = (scale, repeats, threads)
    }

    package func run() throws -> String {
        let dim = max(1, Int((12_288 * scale).rounded())), count = max(1, Int((180_000 * scale).rounded()))
        let memories = Benchmark.data(rows: 4, cols: dim, stream: 1), queries = Benchmark.data(rows: 4, cols: dim, stream: 2)
        // The paper's normalisation M / (max · √D); each query keeps its first third (clamped), the rest zeroed.
        let norm = 1 / Float(dim).squareRoot()
        let held = (0..<dim).map { $0 < dim / 3 }
        let memoryMatrix = Matrix(rows: 4, cols: dim, values: memories.values.map { $0 * norm })
        let start = Matrix(rows: 4, cols: dim, values: queries.values.indices.map { held[$0 % dim] ? queries.values[$0] * norm : 0 })

        func create(_ transform: FeatureTransform) throws -> (DistributedMemory, Double) {
            var model: DistributedMemory?
            let seconds = try Stopwatch.fastest(1) {
                let features = try RandomFeatures(kind: .sincos, dim: dim, count: count, beta: 60, seed: 19, transform: transform)
                var m = try DistributedMemory(features: features)
                try m.add(memoryMatrix)
                model = m
            }
            return (model!, seconds)
        }
        func querySteps(_ model: DistributedMemory, depth: Int, threads: Int) throws -> Double {
            let parameters = DescentParameters(alpha: 0.1, depth: depth)
            let descend = { _ = try Descent.run(model, queries: start, parameters: parameters, clamp: .shared(held), threads: threads) }
            try descend()
            return Double(4 * depth) / (try Stopwatch.fastest(repeats, descend))
        }

        let (structured, structuredCreate) = try create(.structured)
        let structuredRate = try querySteps(structured, depth: structuredDepth, threads: threads)
        let structuredFloats = structured.features.storedFloats
        var lines = [
            "PINF setting × \(scale): D = \(dim), Y = \(count), sincos, lse, β = 60, 4 memories, 4 queries, \(threads) descent threads",
            "structured: create \(format(structuredCreate * 1000)) ms, \(format(structuredRate)) query-steps/s (depth \(structuredDepth)), features \(structuredFloats) floats",
        ]
        let (dense, denseCreate) = try create(.dense)
        let denseFloats = dense.features.storedFloats
        let denseRates = try [1, threads].map { try querySteps(dense, depth: denseDepth, threads: $0) }
        let bandwidth = streamingRead(bytes: max(1 << 30, 2 * 4 * dim * count / 8), threads: threads)
        // Roof: 4 queries per step, the step reading Ω [Y, D] twice.
        let roof = bandwidth / (2 * 4 * Double(dim) * Double(count)) * 4
        let denseRate = denseRates.max()!
        lines += [
            "dense: create \(format(denseCreate)) s, \(format(denseRate, digits: 2)) query-steps/s (depth \(denseDepth); 1 thread \(format(denseRates[0], digits: 2)), \(threads) threads \(format(denseRates[1], digits: 2))), features \(denseFloats) floats",
            "streaming read: \(format(bandwidth / 1e9)) GB/s (\(threads) threads) → dense roof \(format(roof, digits: 2)) query-steps/s",
            "",
            "figure                                   measured      target",
        ]
        let ratio = structuredRate / denseRate, memory = Double(structuredFloats) / Double(denseFloats)
        let rows: [(String, String, String, Bool)] = [
            ("structured / dense query-steps", format(ratio) + "×", "≥ 50×", ratio >= 50),
            ("structured / dense feature memory", String(format: "%.2e", memory), "≤ 1e-3", memory <= 1e-3),
            ("structured query-steps/s", format(structuredRate), "≥ 1000", structuredRate >= 1000),
            ("dense / bandwidth roof", format(denseRate / roof, digits: 2), "≥ 0.6", denseRate / roof >= 0.6),
            ("structured create (s)", format(structuredCreate, digits: 3), "< 0.1", structuredCreate < 0.1),
            ("dense create (s)", format(denseCreate, digits: 1), "≤ 10", denseCreate <= 10),
        ]
        for (name, value, target, met) in rows {
            lines.append("\(name.padded(40)) \(value.padded(13)) \(target.padded(8)) \(met ? "met" : "NOT met")")
        }
        return lines.joined(separator: "\n")
    }

    /// Bytes per second of the fastest of `repeats` reads of a buffer of `bytes` bytes, split over
    /// `threads` threads, each summing its part in 16-float vectors.
    private func streamingRead(bytes: Int, threads: Int) -> Double {
        let count = bytes / 64 * 16
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 1, count: count)
        nonisolated(unsafe) let vectors = UnsafeRawPointer(buffer).assumingMemoryBound(to: SIMD16<Float>.self)
        let n = count / 16
        let read = {
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var total = SIMD16<Float>()
                for i in (t * n / threads)..<((t + 1) * n / threads) { total += vectors[i] }
                // Keeps the sum observable, so the reads are not dropped.
                if total.sum() < 0 { print(total) }
            }
        }
        read()
        return Double(count * 4) / Stopwatch.fastest(repeats, read)
    }

    private func format(_ x: Double, digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
}
