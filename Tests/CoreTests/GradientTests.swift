import Foundation
import Testing
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

    @Test(arguments: KernelKind.allCases, EnergyFunction.allCases)
    func distributed(kind: KernelKind, energy: EnergyFunction) throws {
        // Small norms keep the exponential maps' features well scaled in Float.
        let memories = randomMatrix(rows: 6, cols: 4, seed: 3, scale: 0.4)
        let model = try distributedModel(kind, energy: energy, memories: memories, features: 512, beta: 1.0)
        try checkGradient(model, points: randomMatrix(rows: 3, cols: 4, seed: 4, scale: 0.4))
    }

    /// Where the lse clip is active (s ≤ ε) the energy is −log(ε)/β and the gradient is exactly 0.
    @Test func clippedDistributedGradientIsZero() throws {
        let features = try RandomFeatures(kind: .sincos, dim: 3, count: 64, beta: 1, seed: 1)
        let empty = try DistributedMemory(features: features, energy: .lse, eps: 1e-3)
        let (energies, gradients) = try empty.energiesAndGradients(randomMatrix(rows: 2, cols: 3, seed: 5))
        #expect(energies.allSatisfy { abs($0 - (-log(Float(1e-3)))) < 1e-4 })
        #expect(gradients.values.allSatisfy { $0 == 0 })
    }
}
