import Core
import Testing
@testable import Store

@Suite struct StoreRegistryTests {
    @Test func namesFollowThePattern() {
        for good in ["a", "A9", "x.y_z-1", "0", String(repeating: "n", count: 64)] { #expect(StoreRegistry.isValidName(good), "\(good)") }
        for bad in ["", "-a", ".a", "_a", "a b", "a/b", "é", String(repeating: "n", count: 65)] { #expect(!StoreRegistry.isValidName(bad), "\(bad)") }
    }

    @Test func createIsIdempotentForTheSameRequest() throws {
        let registry = StoreRegistry()
        let request = StoreConfiguration(kind: .drdam, dim: 3, beta: 2, features: 16)
        let (first, created) = try registry.create(name: "s", configuration: request)
        let (second, again) = try registry.create(name: "s", configuration: request)
        #expect(created && !again && first === second)
        #expect(first.state.configuration.seed != nil)
        var other = request
        other.features = 17
        #expect(throws: StoreError.self) { try registry.create(name: "s", configuration: other) }
        #expect(throws: StoreError.invalid("dim must be between 1 and 65536, got 0")) {
            try registry.create(name: "t", configuration: StoreConfiguration(kind: .mrdam, dim: 0, beta: 1))
        }
        #expect(registry.all.map(\.name) == ["s"])
        try registry.delete(name: "s")
        #expect(throws: StoreError.notFound("no store named 's'")) { try registry.store(named: "s") }
    }

    @Test func storeWritesAreSerialisedAndVersioned() async throws {
        let store = try StoreRegistry().create(name: "m", configuration: StoreConfiguration(kind: .mrdam, dim: 2, beta: 1)).store
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<50 {
                group.addTask { _ = try? store.add(Matrix(rows: 1, cols: 2, values: [Float(i), 1]), ids: nil) }
            }
        }
        let state = store.state
        #expect(state.count == 50 && state.version == 50 && Set(state.ids).count == 50)
    }
}
