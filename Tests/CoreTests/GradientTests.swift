import Foundation
import Testing
import TestSupport
@testable import Core

/// Every energy's gradient against central finite differences of its own energy.
@Suite struct GradientTests {
    /// Compares ∇E at a few points with (E(x + h e_j) − E(x − h e_j)) / 2h, relative to the gradient's size.
    func checkGradient<Model: EnergyModel>(_ model: Model, points: Matrix, step h: Float = 1e-2, tolerance: Float = 2e-3) throws {
        let (_, gradients) = try model.energiesAndGradients(points)
        var plus = points, minus = points
        var numeric = Matrix(rows: points.rows, cols: points.cols)
        for j in 0..<points.cols {
            for b in 0..<points.rows {
                plus[b, j] += h
                minus[b, j] -= h
            }
            let ep = try model.energies(plus), em = try model.energies(minus)
            for b in 0..<points.rows {
                numeric[b, j] = (ep[b] - em[b]) / (2 * h)
                plus[b, j] = points[b, j]
                minus[b, j] = points[b, j]
            }
        }
        for b in 0..<points.rows {
            let scale = max(gradients.row(b).map(abs).max()!, 1e-3)
            let error = maxDifference(gradients.row(b), numeric.row(b))
            #expect(error <= tolerance * scale, "query \(b): analytic \(gradients.row(b)) numeric \(numeric.row(b))")
        }
        #expect(gradients.values.contains { $0 != 0 }, "a zero gradient proves nothing")
    }

    @Test(arguments: EnergyFunction.allCases)
    func exact(energy: EnergyFunction) throws {
        let memories = randomMatrix(rows: 9, cols: 5, seed: 1)
        let model = try ExactMemory(memories: memories, beta: 1.3, energy: energy)
        try checkGradient(model, points: randomMatrix(rows: 4, cols: 5, seed: 2, scale: 0.8))
    }

    /// Every map and energy, dense and structured (D = 5: P = 8, and Y = 512 + 4 ends in a partial block).
    @Test(arguments: KernelKind.allCases, energiesAndTransforms)
    func distributed(kind: KernelKind, setting: (energy: EnergyFunction, transform: FeatureTransform)) throws {
        let (energy, transform) = setting
        // Small norms keep the exponential maps' features well scaled in Float.
        let memories = randomMatrix(rows: 6, cols: 5, seed: 3, scale: 0.4)
        let model = try distributedModel(kind, energy: energy, memories: memories, features: 516, beta: 1.0, transform: transform)
        try checkGradient(model, points: randomMatrix(rows: 3, cols: 5, seed: 4, scale: 0.4))
    }

    /// The lse clip on a store that holds memories. At points far from them s = ⟨φ(x), T⟩ ≤ ε: the energy is
    /// −log(ε)/β and the gradient exactly 0. Near them s > ε: the energy is −log(s)/β and the gradient that of
    /// the energy (central differences). s is computed here in Double from Ω, b and T (`referenceFeatures`),
    /// not by the model's clip code; both kinds of point must occur, each well away from ε, so the test fails
    /// if the clip is dropped (clipped energies become −log(s)/β, their gradients non-zero) or applied
    /// everywhere (the energies near the memories become −log(ε)/β, their gradients 0).
    @Test(arguments: KernelKind.allCases)
    func lseClip(kind: KernelKind) throws {
        let eps: Float = 0.2, beta: Float = 1
        let map = try RandomFeatures(kind: kind, dim: 4, count: 1024, beta: beta, seed: 7)
        var model = try DistributedMemory(features: map, energy: .lse, eps: eps)
        try model.add(randomMatrix(rows: 6, cols: 4, seed: 3, scale: 0.4))
        let near = randomMatrix(rows: 4, cols: 4, seed: 4, scale: 0.4), far = randomMatrix(rows: 4, cols: 4, seed: 5, scale: 0.4, shift: 4)
        let points = Matrix(rows: 8, cols: 4, values: near.values + far.values)
        let s = (0..<points.rows).map { b in zip(referenceFeatures(map, points.row(b)), model.accumulator).reduce(0) { $0 + $1.0 * $1.1 } }
        let clipped = s.indices.filter { s[$0] <= Double(eps) }, free = s.indices.filter { s[$0] > Double(eps) }
        try #require(!clipped.isEmpty && !free.isEmpty, "both branches must be reached: s = \(s)")
        try #require(s.allSatisfy { abs($0 - Double(eps)) > 0.2 * Double(eps) }, "a point too close to the clip: s = \(s)")

        let (energies, gradients) = try model.energiesAndGradients(points)
        let clippedEnergy = -log(eps) / beta
        for b in clipped {
            #expect(approximatelyEqual(energies[b], clippedEnergy, relative: 1e-6), "point \(b), s = \(s[b]): E = \(energies[b])")
            #expect(gradients.row(b).allSatisfy { $0 == 0 }, "point \(b), s = \(s[b]): ∇E = \(gradients.row(b))")
        }
        for b in free {
            #expect(approximatelyEqual(Double(energies[b]), -log(s[b]) / Double(beta), absolute: 1e-4), "point \(b), s = \(s[b]): E = \(energies[b])")
        }
        try checkGradient(model, points: Matrix(rowArrays: free.map { points.row($0) }, cols: 4))
    }

    /// φ(x) [F] in Double from the map's Ω and b, by docs/mathematics.md's formulas rather than the kernels' code.
    func referenceFeatures(_ map: RandomFeatures, _ x: [Float]) -> [Double] {
        let y = map.count, d = map.dim, beta = Double(map.beta), n = Double(y)
        let h = (0..<y).map { i in beta.squareRoot() * (0..<d).reduce(0.0) { $0 + Double(map.omega[i * d + $1]) * Double(x[$1]) } }
        let theta = (0..<y).map { h[$0] + Double(map.bias[$0]) }
        let q = beta * x.reduce(0.0) { $0 + Double($1) * Double($1) }
        switch map.kind {
        case .sincos: return theta.map { cos($0) / n.squareRoot() } + theta.map { sin($0) / n.squareRoot() }
        case .cos: return theta.map { cos($0) * (2 / n).squareRoot() }
        case .exp: return h.map { exp($0 - q) / n.squareRoot() }
        case .expexp: return h.map { exp($0 - q) / (2 * n).squareRoot() } + h.map { exp(-$0 - q) / (2 * n).squareRoot() }
        }
    }
}
