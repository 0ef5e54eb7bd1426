import Foundation
import Testing
import TestSupport
@testable import Core

/// The log-sum-exp energy stays finite and exact far from every memory, where exp(−β d / 2)
/// underflows in Float unless the largest exponent is subtracted first.
@Suite struct StabilityTests {
    /// Energies and gradients against a shifted logsumexp and softmax computed here in Double, to 1e-3
    /// (about 2e-6 of energies near 400). Each query sees several memories at nearly its nearest distance,
    /// so the exact energy lies below the nearest-memory approximation min d / 2 by up to log(K)/β; the
    /// test asks that gap to be at least 50 tolerances, so an energy that returned min d / 2 (or lost the
    /// other terms) fails. A plain Float sum of exp(−β d / 2) is 0 at every query.
    @Test func lseIsStableFarFromTheMemories() throws {
        let memories = Matrix(rowArrays: [[0, 0, 0], [1, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0], [0, 0, 2]], cols: 3)
        let beta = 1.0, tolerance: Float = 1e-3
        let model = try ExactMemory(memories: memories, beta: Float(beta))
        // Nearest distances 900, 761 and 720: exp(−β d / 2) ≤ e^−360, far below Float's smallest value.
        let far = Matrix(rowArrays: [[0, 0, -30], [20, 20, 0], [-25, 0, 12]], cols: 3)
        let (energies, gradients) = try model.energiesAndGradients(far)
        for b in 0..<far.rows {
            let x = far.row(b).map(Double.init)
            let d = (0..<memories.rows).map { m in (0..<3).reduce(0.0) { $0 + pow(x[$1] - Double(memories[m, $1]), 2) } }
            #expect(d.reduce(Float(0)) { $0 + Foundation.exp(Float(-beta * $1 / 2)) } == 0, "query \(b): the plain sum should underflow")
            let a = d.map { -beta * $0 / 2 }, top = a.max()!
            let w = a.map { Foundation.exp($0 - top) }, z = w.reduce(0, +)
            let reference = -(top + Foundation.log(z)) / beta
            let nearest = d.min()! / 2
            #expect(nearest - reference >= 50 * Double(tolerance), "query \(b): lse \(reference) is too close to min d / 2 = \(nearest)")
            #expect(approximatelyEqual(Double(energies[b]), reference, absolute: Double(tolerance)), "query \(b): E = \(energies[b]), reference \(reference)")
            // ∇E = x − Σ_μ p_μ ξ_μ with p = softmax(−β d / 2).
            let gradient = (0..<3).map { j in x[j] - (0..<memories.rows).reduce(0.0) { $0 + w[$1] / z * Double(memories[$1, j]) } }
            #expect(approximatelyEqual(gradients.row(b).map(Double.init), gradient, absolute: Double(tolerance)), "query \(b): ∇E = \(gradients.row(b)), reference \(gradient)")
        }
    }
}
