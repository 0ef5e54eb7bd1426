import Core
import Synchronization

/// The named stores of one server. Looking a store up takes a lock for a dictionary read; creating a
/// store generates its features outside the lock.
public final class StoreRegistry: Sendable {
    private let stores = Mutex<[String: MemoryStore]>([:])

    public init() {}

    /// Whether `name` matches `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func allowed(_ c: UInt8, first: Bool) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (!first && (c == 0x2E || c == 0x5F || c == 0x2D))
        }
        return (1...64).contains(bytes.count) && allowed(bytes[0], first: true) && bytes.dropFirst().allSatisfy { allowed($0, first: false) }
    }

    /// Creates the store `name` with `configuration`, or returns the existing one when its configuration
    /// is what was asked for (`created` false). Throws `StoreError.conflict` for a different configuration.
    public func create(name: String, configuration: StoreConfiguration) throws -> (store: MemoryStore, created: Bool) {
        guard Self.isValidName(name) else {
            throw StoreError.invalid("store name '\(name)' is not valid: 1 to 64 of A-Z a-z 0-9 . _ -, starting with a letter or digit")
        }
        if let existing = try existing(name, satisfying: configuration) { return (existing, false) }
        let store = MemoryStore(name: name, state: try StoreState(configuration: try configuration.resolved()))
        return try stores.withLock { stores in
            if let raced = stores[name] {
                guard raced.state.configuration.isSatisfied(by: configuration) else { throw Self.conflict(name) }
                return (raced, false)
            }
            stores[name] = store
            return (store, true)
        }
    }

    private func existing(_ name: String, satisfying configuration: StoreConfiguration) throws -> MemoryStore? {
        guard let store = stores.withLock({ $0[name] }) else { return nil }
        guard store.state.configuration.isSatisfied(by: configuration) else { throw Self.conflict(name) }
        return store
    }

    private static func conflict(_ name: String) -> StoreError {
        .conflict("store '\(name)' exists with a different configuration: delete it first or use another name")
    }

    /// The store `name`; throws `StoreError.notFound`.
    public func store(named name: String) throws -> MemoryStore {
        guard let store = stores.withLock({ $0[name] }) else { throw StoreError.notFound("no store named '\(name)'") }
        return store
    }

    /// Every store, by name.
    public var all: [MemoryStore] { stores.withLock { Array($0.values) }.sorted { $0.name < $1.name } }

    /// Deletes the store `name`; throws `StoreError.notFound`.
    public func delete(name: String) throws {
        try stores.withLock { stores in
            guard stores.removeValue(forKey: name) != nil else { throw StoreError.notFound("no store named '\(name)'") }
        }
    }
}
