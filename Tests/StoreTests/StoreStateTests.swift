import Core
import Testing
@testable import Store

@Suite struct StoreStateTests {
    let mrdam = StoreConfiguration(kind: .mrdam, dim: 2, beta: 1)

    func rows(_ values: [[Float]]) -> Matrix { Matrix(rowArrays: values, cols: values.first?.count ?? 2) }

    /// A write makes a new state; a reader holding the old one keeps seeing exactly it.
    @Test func writesLeaveOldStatesUntouched() throws {
        let empty = try StoreState(configuration: mrdam.resolved())
        let (one, added) = try empty.applying(.add(rows([[1, 2], [3, 4]]), ids: ["a", "b"]))
        let (two, _) = try one.applying(.add(rows([[5, 6]]), ids: ["c"]))
        #expect(added == 2)
        #expect(empty.count == 0 && one.count == 2 && two.count == 3)
        #expect([empty.version, one.version, two.version] == [0, 1, 2])
        #expect(one.ids == ["a", "b"] && two.ids == ["a", "b", "c"] && two.row(of: "c") == 2)
        guard case .exact(let m) = one.model else { Issue.record("mrdam must be exact"); return }
        #expect(m.memories.values == [1, 2, 3, 4])
    }

    @Test func removeAndForgetKeepIdsAligned() throws {
        var state = try StoreState(configuration: mrdam.resolved())
        (state, _) = try state.applying(.add(rows([[1, 0], [0, 1], [1, 0], [2, 2]]), ids: ["a", "b", "c", "d"]))
        (state, _) = try state.applying(.remove(id: "b"))
        #expect(state.ids == ["a", "c", "d"] && state.row(of: "d") == 2 && state.row(of: "b") == nil)
        let (after, forgotten) = try state.applying(.forget(rows([[1, 0]])))
        #expect(forgotten == 2 && after.ids == ["d"])
        guard case .exact(let m) = after.model else { return }
        #expect(m.memories.values == [2, 2])
    }

    @Test func assignedIdsSkipTakenOnes() throws {
        var state = try StoreState(configuration: mrdam.resolved())
        (state, _) = try state.applying(.add(rows([[1, 0]]), ids: ["2"]))
        let resolved = try state.resolveIDs(nil, count: 3)
        #expect(resolved.ids == ["1", "3", "4"])
    }

    @Test func refusedWritesThrowAndNameTheProblem() throws {
        var state = try StoreState(configuration: mrdam.resolved())
        (state, _) = try state.applying(.add(rows([[1, 0]]), ids: ["a"]))
        #expect(throws: StoreError.conflict("id 'a' is already in the store")) { try state.applying(.add(rows([[1, 1]]), ids: ["a"])) }
        #expect(throws: StoreError.invalid("memories have dimension 3, the store has dimension 2")) { try state.applying(.add(rows([[1, 1, 1]]), ids: ["z"])) }
        #expect(throws: StoreError.notFound("no memory with id 'q'")) { try state.applying(.remove(id: "q")) }
        #expect(throws: StoreError.self) { try state.applying(.add(rows([[.nan, 1]]), ids: ["n"])) }
        #expect(!StoreState.isValidID("") && !StoreState.isValidID("a b") && StoreState.isValidID("x.y_z:1-2"))
    }

    @Test func drdamSumsAndForgets() throws {
        let config = try StoreConfiguration(kind: .drdam, dim: 2, beta: 1, features: 32, seed: 5).resolved()
        #expect(config.kernel == .sincos && config.eps == 1e-10 && config.orthogonal == false)
        var state = try StoreState(configuration: config)
        (state, _) = try state.applying(.add(rows([[0.1, 0.2], [0.3, -0.1]]), ids: []))
        #expect(state.count == 2 && state.ids.isEmpty)
        #expect(throws: StoreError.conflict("cannot forget 3 memories: the store holds 2")) {
            try state.applying(.forget(rows([[0, 0], [0, 0], [0, 0]])))
        }
        #expect(throws: StoreError.self) { try state.applying(.remove(id: "1")) }
        #expect(throws: StoreError.self) { try state.applying(.add(rows([[0, 0]]), ids: ["x"])) }
    }

    @Test func recallAndEnergyRefuseAnEmptyStore() throws {
        let state = try StoreState(configuration: mrdam.resolved())
        #expect(throws: StoreError.conflict("the store has no memories: add some first")) {
            try state.recall(queries: rows([[0, 0]]), parameters: DescentParameters(depth: 2), clamp: .none)
        }
        #expect(throws: StoreError.self) { try state.energies(of: rows([[0, 0]]), gradients: false) }
    }
}
