import Core
import Foundation
import Testing
import TestSupport
@testable import Store

@Suite struct StoreStateTests {
    let mrdam = RequestedConfiguration(kind: .mrdam, dim: 2, beta: 1)

    func rows(_ values: [[Float]]) -> Matrix { Matrix(rowArrays: values, cols: values.first?.count ?? 2) }

    /// A write makes a new state; a reader holding the old one keeps seeing exactly it.
    @Test func writesLeaveOldStatesUntouched() throws {
        let empty = try StoreState(configuration: mrdam.resolved())
        let (one, added) = try empty.applying(.add(rows([[1, 2], [3, 4]]), ids: ["a", "b"], nextID: 1))
        let (two, _) = try one.applying(.add(rows([[5, 6]]), ids: ["c"], nextID: 1))
        #expect(added == 2)
        #expect(empty.count == 0 && one.count == 2 && two.count == 3)
        #expect([empty.version, one.version, two.version] == [0, 1, 2])
        #expect(one.ids.all == ["a", "b"] && two.ids.all == ["a", "b", "c"] && two.row(of: "c") == 2 && one.row(of: "c") == nil)
        guard case .exact(let m) = one.model else { Issue.record("mrdam must be exact"); return }
        #expect(m.memories.values == [1, 2, 3, 4])
    }

    @Test func removeAndForgetKeepIdsAligned() throws {
        var state = try StoreState(configuration: mrdam.resolved())
        (state, _) = try state.applying(.add(rows([[1, 0], [0, 1], [1, 0], [2, 2]]), ids: ["a", "b", "c", "d"], nextID: 1))
        (state, _) = try state.applying(.remove(id: "b"))
        #expect(state.ids.all == ["a", "c", "d"] && state.row(of: "d") == 2 && state.row(of: "b") == nil)
        let (after, forgotten) = try state.applying(.forget(rows([[1, 0]])))
        #expect(forgotten == 2 && after.ids.all == ["d"])
        guard case .exact(let m) = after.model else { return }
        #expect(m.memories.values == [2, 2])
    }

    @Test func assignedIdsSkipTakenOnes() throws {
        var state = try StoreState(configuration: mrdam.resolved())
        (state, _) = try state.applying(.add(rows([[1, 0]]), ids: ["2"], nextID: 1))
        let resolved = try state.resolveIDs(nil, count: 3)
        #expect(resolved.ids == ["1", "3", "4"])
    }

    @Test func refusedWritesThrowAndNameTheProblem() throws {
        var state = try StoreState(configuration: mrdam.resolved())
        (state, _) = try state.applying(.add(rows([[1, 0]]), ids: ["a"], nextID: 1))
        #expect(throws: StoreError.conflict("id 'a' is already in the store")) { try state.applying(.add(rows([[1, 1]]), ids: ["a"], nextID: 1)) }
        #expect(throws: StoreError.invalid("memories have dimension 3, the store has dimension 2")) { try state.applying(.add(rows([[1, 1, 1]]), ids: ["z"], nextID: 1)) }
        #expect(throws: StoreError.notFound("no memory with id 'q'")) { try state.applying(.remove(id: "q")) }
        #expect(throws: StoreError.self) { try state.applying(.add(rows([[.nan, 1]]), ids: ["n"], nextID: 1)) }
        #expect(!StoreState.isValidID("") && !StoreState.isValidID("a b") && StoreState.isValidID("x.y_z:1-2"))
    }

    /// T is the Double sum of the memories' features, and forgetting them all brings it back to zero.
    @Test func drdamSumsAndForgets() throws {
        let config = try RequestedConfiguration(kind: .drdam, dim: 2, beta: 1, features: 32, seed: 5).resolved()
        #expect(config.kind == .drdam(FeatureSettings(kernel: .sincos, features: 32, seed: 5, eps: 1e-10, orthogonal: false, generator: .version2)))
        let memories = rows([[0.1, 0.2], [0.3, -0.1]])
        var state = try StoreState(configuration: config)
        (state, _) = try state.applying(.add(memories, ids: [], nextID: 1))
        #expect(state.count == 2 && state.ids.count == 0)
        guard case .distributed(let added) = state.model else { Issue.record("drdam must be distributed"); return }
        // φ of each memory from the features' own definition: Y^{-1/2} [cos(√β ω·x + b); sin(√β ω·x + b)].
        let features = added.features, y = features.count
        var expected = [Double](repeating: 0, count: 2 * y)
        for r in 0..<memories.rows {
            for i in 0..<y {
                let h = (0..<2).reduce(0.0) { $0 + Double(features.omega[i * 2 + $1]) * Double(memories[r, $1]) } + Double(features.bias[i])
                expected[i] += cos(h) / Double(y).squareRoot()
                expected[y + i] += sin(h) / Double(y).squareRoot()
            }
        }
        #expect(approximatelyEqual(added.accumulator, expected, absolute: 1e-6), "T = Σ φ(ξ)")
        #expect(throws: StoreError.conflict("cannot forget 3 memories: the store holds 2")) {
            try state.applying(.forget(rows([[0, 0], [0, 0], [0, 0]])))
        }
        #expect(throws: StoreError.self) { try state.applying(.remove(id: "1")) }
        #expect(throws: StoreError.self) { try state.applying(.add(rows([[0, 0]]), ids: ["x"], nextID: 1)) }
        let (forgotten, changed) = try state.applying(.forget(memories))
        guard case .distributed(let empty) = forgotten.model else { return }
        #expect(changed == 2 && forgotten.count == 0 && forgotten.version == state.version + 1)
        #expect(approximatelyEqual(empty.accumulator, [Double](repeating: 0, count: empty.accumulator.count), absolute: 1e-12), "forgetting what was added restores T = 0")
    }

    /// An add appends in place to storage shared with older versions, which keep reading exactly
    /// their own rows; adding to an older version again copies instead of overwriting.
    @Test func appendsShareStorageWithoutDisturbingOlderVersions() throws {
        let empty = try StoreState(configuration: mrdam.resolved())
        let (one, _) = try empty.applying(.add(rows([[1, 2]]), ids: ["a"], nextID: 1))
        let (two, _) = try one.applying(.add(rows([[3, 4]]), ids: ["b"], nextID: 1))
        let (branch, _) = try one.applying(.add(rows([[9, 9]]), ids: ["z"], nextID: 1))
        for (state, values, ids) in [(one, [Float(1), 2], ["a"]), (two, [1, 2, 3, 4], ["a", "b"]), (branch, [1, 2, 9, 9], ["a", "z"])] {
            guard case .exact(let m) = state.model else { Issue.record("mrdam must be exact"); return }
            #expect(m.memories.values.bitPatterns == values.bitPatterns && state.ids.all == ids)
        }
        #expect(two.row(of: "z") == nil && branch.row(of: "b") == nil && branch.row(of: "z") == 1)
    }

    @Test func recallAndEnergyRefuseAnEmptyStore() throws {
        let state = try StoreState(configuration: mrdam.resolved())
        #expect(throws: StoreError.conflict("the store has no memories: add some first")) {
            try state.recall(queries: rows([[0, 0]]), parameters: DescentParameters(depth: 2), clamp: .none)
        }
        #expect(throws: StoreError.self) { try state.energies(of: rows([[0, 0]]), gradients: false) }
    }
}
