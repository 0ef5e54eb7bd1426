import Testing
import TestSupport
@testable import Core

/// A batch split between threads descends to the same bits as on one thread (the small-batch products
/// do not depend on the rows beside a query), per-query clamps and tolerances included.
@Suite struct ThreadedDescentTests {
    @Test(arguments: [false, true])
    func twoThreadsGiveTheSameBitsAsOne(distributed: Bool) throws {
        let d = 131, b = 7
        let memories = randomMatrix(rows: 203, cols: d, seed: 21, scale: 0.3)
        let queries = randomMatrix(rows: b, cols: d, seed: 22, scale: 0.3)
        let clamp = ClampMask.perQuery((0..<(b * d)).map { $0 % 5 == 0 })
        let tolerances: [Float] = (0..<b).map { $0 % 2 == 0 ? 0 : 0.02 }
        let parameters = DescentParameters(alpha: 0.1, depth: 30)
        func descend(threads: Int) throws -> DescentResult {
            if distributed {
                let model = try distributedModel(.sincos, energy: .lse, memories: memories, features: 256, beta: 2)
                return try Descent.run(model, queries: queries, parameters: parameters, clamp: clamp, tolerances: tolerances, threads: threads)
            }
            let model = try ExactMemory(memories: memories, beta: 2)
            return try Descent.run(model, queries: queries, parameters: parameters, clamp: clamp, tolerances: tolerances, threads: threads)
        }
        let one = try descend(threads: 1), two = try descend(threads: 2), three = try descend(threads: 3)
        #expect(one.states != queries, "the descent moves")
        #expect(two.bitPatterns == one.bitPatterns)
        #expect(three.bitPatterns == one.bitPatterns)
    }

    /// A model past `RowProducts.splitRowsBeyondBytes` splits its products over the threads, not the
    /// queries: still the bits of one thread.
    @Test func aLargeModelSplitsItsProductsToTheSameBits() throws {
        let d = 1024, k = RowProducts.splitRowsBeyondBytes / (4 * d) + 5, b = 5
        let model = try ExactMemory(memories: randomMatrix(rows: k, cols: d, seed: 23, scale: 0.03), beta: 2)
        #expect(model.productBytes > RowProducts.splitRowsBeyondBytes)
        let queries = randomMatrix(rows: b, cols: d, seed: 24, scale: 0.03)
        let parameters = DescentParameters(alpha: 0.1, depth: 3)
        let one = try Descent.run(model, queries: queries, parameters: parameters, threads: 1)
        let two = try Descent.run(model, queries: queries, parameters: parameters, threads: 2)
        #expect(one.states != queries, "the descent moves")
        #expect(two.bitPatterns == one.bitPatterns)
    }
}
