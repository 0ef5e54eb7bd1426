import Testing
import TestSupport
@testable import Core

/// Bad input is refused with a clear error before anything is computed or allocated.
@Suite struct ValidationTests {
    let memories = randomMatrix(rows: 4, cols: 3, seed: 41)

    @Test func exactMemoryRefusesBadParameters() {
        #expect(throws: CoreError.self) { try ExactMemory(memories: memories, beta: 0) }
        #expect(throws: CoreError.self) { try ExactMemory(memories: memories, beta: -1) }
        #expect(throws: CoreError.self) { try ExactMemory(memories: memories, beta: .nan) }
        var bad = memories
        bad[1, 1] = .infinity
        #expect(throws: CoreError.nonFinite("memories contain NaN or infinity")) { try ExactMemory(memories: bad, beta: 1) }
    }

    @Test func featuresRefuseAbsurdSizes() {
        // Sizes whose Ω would not fit in Int bytes are refused at once, not allocated (how large a store
        // may be is the server's limit, `--max-feature-entries`, not Core's).
        #expect(throws: CoreError.self) { try RandomFeatures(kind: .sincos, dim: 3, count: 1 << 62, beta: 1, seed: 0) }
        #expect(throws: CoreError.self) { try RandomFeatures(kind: .sincos, dim: 1 << 31, count: 1 << 30, beta: 1, seed: 0) }
        #expect(throws: CoreError.self) { try RandomFeatures(kind: .sincos, dim: 3, count: 0, beta: 1, seed: 0) }
        #expect(throws: CoreError.self) { try RandomFeatures(kind: .sincos, dim: 0, count: 8, beta: 1, seed: 0) }
        #expect(throws: CoreError.self) { try RandomFeatures(kind: .sincos, dim: 3, count: 8, beta: -2, seed: 0) }
    }

    @Test func descentRefusesBadInput() throws {
        let model = try ExactMemory(memories: memories, beta: 1)
        let queries = randomMatrix(rows: 2, cols: 3, seed: 42)
        #expect(throws: CoreError.shape("queries have dimension 4, the store has dimension 3")) {
            try Descent.run(model, queries: randomMatrix(rows: 2, cols: 4, seed: 1))
        }
        var nan = queries
        nan[0, 0] = .nan
        #expect(throws: CoreError.self) { try Descent.run(model, queries: nan) }
        #expect(throws: CoreError.self) { try Descent.run(model, queries: queries, parameters: DescentParameters(alpha: -0.1)) }
        #expect(throws: CoreError.self) { try Descent.run(model, queries: queries, parameters: DescentParameters(depth: 0)) }
        #expect(throws: CoreError.self) { try Descent.run(model, queries: queries, parameters: DescentParameters(tolerance: .infinity)) }
        #expect(throws: CoreError.self) { try Descent.run(model, queries: queries, clamp: .shared([true, false])) }
        #expect(throws: CoreError.self) { try Descent.run(model, queries: queries, clamp: .perQuery([Bool](repeating: false, count: 3))) }
    }

    @Test func distributedMemoryRefusesBadInput() throws {
        let map = try RandomFeatures(kind: .sincos, dim: 3, count: 16, beta: 1, seed: 0)
        #expect(throws: CoreError.self) { try DistributedMemory(features: map, eps: -1) }
        var model = try DistributedMemory(features: map)
        #expect(throws: CoreError.self) { try model.add(randomMatrix(rows: 2, cols: 5, seed: 1)) }
        var nan = memories
        nan[0, 2] = .nan
        #expect(throws: CoreError.self) { try model.add(nan) }
        #expect(model.count == 0 && model.accumulator.allSatisfy { $0 == 0 }, "a refused write changes nothing")
        #expect(throws: CoreError.self) { try DistributedMemory(features: map, accumulator: [1, 2], count: 1) }
    }
}
