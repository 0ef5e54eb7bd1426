import Testing
import TestSupport
@testable import Core

/// The invariants of docs/mathematics.md: T(A∪B) = T(A) + T(B); forgetting what was added restores T; clamped entries
/// never move; energy never rises for a small enough step; the same seed gives the same features.
@Suite struct InvariantTests {
    let a = randomMatrix(rows: 300, cols: 5, seed: 21, scale: 0.5)
    let b = randomMatrix(rows: 7, cols: 5, seed: 22, scale: 0.5)

    func union(_ x: Matrix, _ y: Matrix) -> Matrix { Matrix(rows: x.rows + y.rows, cols: x.cols, values: x.values + y.values) }

    @Test(arguments: KernelKind.allCases)
    func accumulationIsAdditive(kind: KernelKind) throws {
        let map = try RandomFeatures(kind: kind, dim: 5, count: 128, beta: 1, seed: 4)
        var both = try DistributedMemory(features: map), first = both, second = both
        try both.add(union(a, b))
        try first.add(a)
        try second.add(b)
        let scale = both.accumulator.map(abs).max()!
        let sum = zip(first.accumulator, second.accumulator).map { $0 + $1 }
        #expect(approximatelyEqual(both.accumulator, sum, absolute: 1e-6 * scale), "differs by up to \(maxDifference(both.accumulator, sum))")
        #expect(both.count == a.rows + b.rows)
    }

    @Test(arguments: KernelKind.allCases)
    func forgettingRestoresT(kind: KernelKind) throws {
        let map = try RandomFeatures(kind: kind, dim: 5, count: 128, beta: 1, seed: 4)
        var model = try DistributedMemory(features: map)
        try model.add(a)
        let before = model.accumulator
        try model.add(b)
        #expect(model.accumulator != before)
        try model.forget(b)
        let scale = before.map(abs).max()!
        #expect(approximatelyEqual(model.accumulator, before, absolute: 1e-12 * scale))
        #expect(model.count == a.rows)
    }

    /// Clamped entries keep their exact bits, even with a large step, and every free entry moves. The
    /// expected mask is the test's own table `held` [B][D] (the same row for every query, or a different
    /// row per query); the `ClampMask` under test is built from it and never consulted.
    @Test(arguments: [true, false], FeatureTransform.allCases)
    func clampedEntriesNeverMove(shared: Bool, transform: FeatureTransform) throws {
        let held: [[Bool]] = shared
            ? Array(repeating: [true, false, false, true, false], count: 3)
            : [[false, true, false, false, false], [true, false, false, false, true], [false, false, true, true, true]]
        let mask: ClampMask = shared ? .shared(held[0]) : .perQuery(held.flatMap { $0 })
        let queries = randomMatrix(rows: 3, cols: 5, seed: 23, scale: 0.7)
        let exact = try ExactMemory(memories: a, beta: 2)
        let distributed = try distributedModel(.sincos, energy: .lse, memories: b, features: 256, beta: 1, transform: transform)
        let results = [
            try Descent.run(exact, queries: queries, parameters: DescentParameters(alpha: 0.7, depth: 40), clamp: mask),
            try Descent.run(distributed, queries: queries, parameters: DescentParameters(alpha: 0.7, depth: 40), clamp: mask),
        ]
        for (model, result) in zip(["exact", "distributed"], results) {
            for q in 0..<3 {
                for j in 0..<5 {
                    if held[q][j] {
                        #expect(result.states[q, j].bitPattern == queries[q, j].bitPattern, "\(model): held entry (\(q), \(j)) changed")
                    } else {
                        #expect(result.states[q, j] != queries[q, j], "\(model): free entry (\(q), \(j)) did not move")
                    }
                }
            }
        }
    }

    @Test(arguments: EnergyFunction.allCases)
    func exactEnergyNeverRises(energy: EnergyFunction) throws {
        let model = try ExactMemory(memories: a, beta: 2, energy: energy)
        try expectMonotone(model)
    }

    @Test(arguments: KernelKind.allCases, energiesAndTransforms)
    func distributedEnergyNeverRises(kind: KernelKind, setting: (energy: EnergyFunction, transform: FeatureTransform)) throws {
        let (energy, transform) = setting
        let model = try distributedModel(kind, energy: energy, memories: b, features: 256, beta: 1, transform: transform)
        try expectMonotone(model)
    }

    func expectMonotone<Model: EnergyModel>(_ model: Model) throws {
        let queries = randomMatrix(rows: 4, cols: 5, seed: 24, scale: 0.6)
        let result = try Descent.run(model, queries: queries, parameters: DescentParameters(alpha: 0.01, depth: 60))
        for q in 0..<4 {
            let trace = result.trace(q) + [result.finalEnergies[q]]
            for t in 1..<trace.count {
                #expect(trace[t] <= trace[t - 1] + 1e-6 * abs(trace[t - 1]), "query \(q) step \(t): \(trace[t - 1]) → \(trace[t])")
            }
            #expect(trace.last! < trace.first!, "the energy must actually fall")
        }
    }

    @Test(arguments: [false, true])
    func sameSeedSameFeatures(orthogonal: Bool) throws {
        let one = try RandomFeatures(kind: .sincos, dim: 7, count: 50, beta: 1, seed: 99, orthogonal: orthogonal)
        let two = try RandomFeatures(kind: .sincos, dim: 7, count: 50, beta: 1, seed: 99, orthogonal: orthogonal)
        let other = try RandomFeatures(kind: .sincos, dim: 7, count: 50, beta: 1, seed: 100, orthogonal: orthogonal)
        #expect(one.omega.bitPatterns == two.omega.bitPatterns && one.bias.bitPatterns == two.bias.bitPatterns)
        #expect(one.omega != other.omega && one.bias != other.bias)
    }

    /// Any block of rows can be generated on its own and equals those rows of the whole Ω.
    @Test func rowBlocksAreIndependent() throws {
        let whole = try RandomFeatures(kind: .cos, dim: 5, count: 40, beta: 1, seed: 8)
        #expect(Array(whole.omega[(12 * 5)..<(31 * 5)]).bitPatterns == RandomFeatures.gaussianRows(Philox(seed: 8), rows: 12..<31, dim: 5, stream: 0).bitPatterns)
        let orthogonal = try RandomFeatures(kind: .cos, dim: 5, count: 40, beta: 1, seed: 8, orthogonal: true)
        #expect(Array(orthogonal.omega[(12 * 5)..<(31 * 5)]).bitPatterns == RandomFeatures.orthogonalRows(Philox(seed: 8), rows: 12..<31, dim: 5).bitPatterns)
        // A longer Ω starts with the shorter one.
        let longer = try RandomFeatures(kind: .cos, dim: 5, count: 80, beta: 1, seed: 8)
        #expect(Array(longer.omega[0..<200]).bitPatterns == whole.omega.bitPatterns && Array(longer.bias[0..<40]).bitPatterns == whole.bias.bitPatterns)
    }

    @Test func featureMemoryDoesNotGrowWithMemories() throws {
        var model = try distributedModel(.sincos, energy: .lse, memories: b, features: 64, beta: 1)
        let size = model.accumulator.count
        try model.add(a)
        #expect(model.accumulator.count == size && size == 128)
    }
}
