import Foundation
import Testing
@testable import Core

/// The log-sum-exp energy stays finite and exact far from every memory, where exp(−β d / 2)
/// underflows in Float unless the largest exponent is subtracted first.
@Suite struct StabilityTests {
    @Test func lseIsStableFarFromTheMemories() throws {
        let memories = Matrix(rowArrays: [[0, 0, 0], [1, 0, 0], [0, 2, 0]], cols: 3)
        let model = try ExactMemory(memories: memories, beta: 4)
        // ‖x − ξ‖² ≈ 900 for the nearest memory: exp(−4 · 900 / 2) is far below Float's smallest value.
        let far = Matrix(rowArrays: [[30, 0, 0], [0, -40, 1]], cols: 3)
        let (energies, gradients) = try model.energiesAndGradients(far)
        // E = −(1/β) log Σ exp(−β d_μ / 2) = d_min / 2 − (1/β) log Σ exp(−β (d_μ − d_min) / 2).
        let expected: [Float] = [841.0 / 2, 1601.0 / 2]
        for b in 0..<2 {
            #expect(energies[b].isFinite && abs(energies[b] - expected[b]) <= 1e-3 * expected[b], "\(energies[b]) vs \(expected[b])")
        }
        // ∇E = x − Σ p_μ ξ_μ. Query 0: all the weight on ξ₁ (the next is 59 further: e^−118).
        #expect(maxDifference(gradients.row(0), [29, 0, 0]) < 1e-3)
        // Query 1: ξ₀ and ξ₁ are 1601 and 1602 away, so p₁ = e^−2 / (1 + e^−2); ξ₂ is 164 further.
        let p1 = Float(exp(-2.0) / (1 + exp(-2.0)))
        #expect(maxDifference(gradients.row(1), [-p1, -40, 1]) < 1e-3)
    }
}
