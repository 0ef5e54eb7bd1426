import Core
import Testing
@testable import Store

@Suite struct StoreRegistryTests {
    @Test func namesFollowThePattern() {
        for good in ["a", "A9", "x.y_z-1", "0", String(repeating: "n", count: 64)] { #expect(StoreRegistry.isValidName(good), "\(good)") }
        for bad in ["", "-a", ".a", "_a", "a b", "a/b", "é", String(repeating: "n", count: 65)] { #expect(!StoreRegistry.isValidName(bad), "\(bad)") }
    }

    @Test func createIsIdempotentForTheSameRequest() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        let request = RequestedConfiguration(kind: .drdam, dim: 3, beta: 2, features: 16)
        let (first, created) = try await registry.create(name: "s", configuration: request)
        let (second, again) = try await registry.create(name: "s", configuration: request)
        #expect(created && !again && first === second)
        #expect(first.state.configuration.drdam?.features == 16, "a drdam store with its seed drawn")
        var other = request
        other.features = 17
        await #expect(throws: StoreError.conflict("store 's' exists with a different configuration: delete it first or use another name")) {
            try await registry.create(name: "s", configuration: other)
        }
        await #expect(throws: StoreError.invalid("dim must be at least 1, got 0")) {
            try await registry.create(name: "t", configuration: RequestedConfiguration(kind: .mrdam, dim: 0, beta: 1))
        }
        #expect(registry.all.map(\.name) == ["s"])
        try await registry.delete(name: "s")
        #expect(throws: StoreError.notFound("no store named 's'")) { try registry.store(named: "s") }
        await #expect(throws: StoreError.notFound("no store named 's'")) { try await registry.delete(name: "s") }
    }

    /// 50 concurrent adds: every one is acknowledged with its own id and version, and the last state
    /// holds them all.
    @Test func storeWritesAreSerialisedAndVersioned() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        let store = try await registry.create(name: "m", configuration: RequestedConfiguration(kind: .mrdam, dim: 2, beta: 1)).store
        let acknowledged = try await withThrowingTaskGroup(of: (ids: [String], version: UInt64).self) { group in
            for i in 0..<50 {
                group.addTask {
                    let (ids, state) = try await store.add(Matrix(rows: 1, cols: 2, values: [Float(i), 1]), ids: nil)
                    return (ids, state.version)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(acknowledged.count == 50)
        #expect(Set(acknowledged.flatMap(\.ids)) == Set((1...50).map(String.init)), "ids 1…50, each once")
        #expect(Set(acknowledged.map(\.version)) == Set(1...50), "versions 1…50, each once")
        let state = store.state
        #expect(state.count == 50 && state.version == 50 && Set(state.ids.all).count == 50)
    }

    /// A delete waits for the writes queued before it, which land (and are acknowledged); writes after
    /// it fail with 404. Nothing acknowledged is lost.
    @Test func deleteIsOrderedWithWritesInFlight() async throws {
        let directory = try RegistryDirectory()
        let registry = try directory.open().registry
        let store = try await registry.create(name: "m", configuration: RequestedConfiguration(kind: .mrdam, dim: 2, beta: 1)).store
        async let write = store.add(Matrix(rows: 1, cols: 2, values: [1, 1]), ids: ["early"])
        try await registry.delete(name: "m")
        let landed = try? await write
        await #expect(throws: StoreError.notFound("no store named 'm'")) { try await store.add(Matrix(rows: 1, cols: 2, values: [2, 2]), ids: nil) }
        // Whatever was acknowledged is in the log before the delete.
        let records = try registry.log.read(from: 0).records
        let delete = try #require(records.firstIndex { $0.entry == .delete })
        if landed != nil {
            #expect(records[..<delete].contains { if case .mutation(.add(_, let ids, _)) = $0.entry { ids == ["early"] } else { false } })
        }
        #expect(!records[delete...].contains { if case .mutation = $0.entry { true } else { false } }, "no write lands after the delete")
    }
}
