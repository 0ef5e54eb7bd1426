import Testing
import TestSupport
@testable import Core

/// The paper's claim: DrDAM's descent on T approximates MrDAM's exact descent on the memories, and the
/// approximation tightens as the number of random features Y grows.
@Suite struct DistributedRecallTests {
    let memories = randomMatrix(rows: 8, cols: 6, seed: 51, scale: 0.5)
    let queries = randomMatrix(rows: 4, cols: 6, seed: 52, scale: 0.5)
    let parameters = DescentParameters(alpha: 0.1, depth: 60)

    /// Mean distance between DrDAM's and MrDAM's final states over queries and `seeds`.
    func meanGap(features: Int, seeds: Range<UInt64>, exact: DescentResult) throws -> Float {
        var total: Float = 0, n: Float = 0
        for seed in seeds {
            let model = try distributedModel(.sincos, energy: .lse, memories: memories, features: features, beta: 2, seed: seed)
            let approx = try Descent.run(model, queries: queries, parameters: parameters)
            for b in 0..<queries.rows {
                total += zip(approx.states.row(b), exact.states.row(b)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                n += 1
            }
        }
        return total / n
    }

    @Test func distributedRecallApproachesExactRecall() throws {
        let exact = try Descent.run(try ExactMemory(memories: memories, beta: 2), queries: queries, parameters: parameters)
        let moved = maxDifference(exact.states.values, queries.values)
        #expect(moved > 0.05, "the exact descent must move, or the comparison proves nothing")
        let small = try meanGap(features: 128, seeds: 0..<6, exact: exact)
        let large = try meanGap(features: 4096, seeds: 0..<6, exact: exact)
        // 32× the features: the gap should fall about √32 ≈ 5.7×; ask for at least 3×.
        #expect(large < small / 3, "mean gap \(small) at Y=128, \(large) at Y=4096")
        #expect(large < 0.1 * moved, "mean gap \(large) against a descent that moved \(moved)")
    }
}
