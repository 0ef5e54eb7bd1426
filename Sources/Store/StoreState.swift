import Core

/// One immutable version of a store: its configuration, its model and (mrdam) the ids of its rows.
/// Reads take a state and work on it without any lock; a write makes a new state (`applying`).
package struct StoreState: Sendable {
    /// The resolved configuration.
    package let configuration: StoreConfiguration
    /// Grows by one with every write; 0 for a new store.
    package let version: UInt64
    /// The mathematics.
    package let model: StoreModel
    /// mrdam: the id of each row of Ξ, in order (empty for drdam).
    package let ids: MemoryIDs
    /// mrdam: the counter behind assigned ids; it only grows, so an assigned id is never given again.
    package let nextID: UInt64
    /// The sequence number of the last log record applied to this store (0 before any).
    package let sequence: UInt64

    /// The largest version, id counter or drdam count a store carries (2^48). A snapshot, upload or log
    /// record with a larger one is refused, so the counters can always grow by the writes that follow
    /// and sums over all stores never overflow.
    package static let counterLimit: UInt64 = 1 << 48

    /// The empty state of a new store with a resolved configuration.
    package init(configuration: StoreConfiguration, sequence: UInt64 = 0) throws {
        self.init(configuration: configuration, version: 0, model: try StoreModel(configuration: configuration), ids: MemoryIDs(), nextID: 1, sequence: sequence)
    }

    init(configuration: StoreConfiguration, version: UInt64, model: StoreModel, ids: MemoryIDs, nextID: UInt64, sequence: UInt64) {
        self.configuration = configuration
        self.version = version
        self.model = model
        self.ids = ids
        self.nextID = nextID
        self.sequence = sequence
    }

    /// Memories held.
    package var count: Int { model.count }

    /// The row index of the memory with `id` (mrdam).
    package func row(of id: String) -> Int? { ids.row(of: id) }

    /// This state stamped with the log sequence number of the record that made it.
    func at(sequence: UInt64) -> StoreState {
        StoreState(configuration: configuration, version: version, model: model, ids: ids, nextID: nextID, sequence: sequence)
    }

    /// Ids for `count` new rows: `given` checked (right count, unique, new, well-formed), or assigned
    /// from the counter ("1", "2", …, skipping ids already taken). Returns the ids and the counter after them.
    func resolveIDs(_ given: [String]?, count: Int) throws -> (ids: [String], nextID: UInt64) {
        if let given {
            try checkNewIDs(given, count: count)
            return (given, nextID)
        }
        var out: [String] = []
        var next = nextID
        while out.count < count {
            let id = String(next)
            next += 1
            if ids.row(of: id) == nil { out.append(id) }
        }
        return (out, next)
    }

    /// Checks ids for `count` new rows: the right number, well-formed, unique and not in the store.
    func checkNewIDs(_ given: [String], count: Int) throws {
        guard given.count == count else { throw StoreError.invalid("\(given.count) ids for \(count) memories") }
        for id in given where !Self.isValidID(id) {
            throw StoreError.invalid("id '\(id)' is not valid: use 1 to 128 of A-Z a-z 0-9 . _ : -")
        }
        guard Set(given).count == given.count else { throw StoreError.invalid("the ids repeat") }
        if let taken = given.first(where: { ids.row(of: $0) != nil }) { throw StoreError.conflict("id '\(taken)' is already in the store") }
    }

    /// Whether `id` is 1 to 128 characters of A-Z a-z 0-9 . _ : -.
    package static func isValidID(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x3A || c == 0x2D
        }
    }
}
