import Core

/// One immutable version of a store: its configuration, its model and (mrdam) the ids of its rows.
/// Reads take a state and work on it without any lock; a write makes a new state (`applying`).
public struct StoreState: Sendable {
    /// The resolved configuration.
    public let configuration: StoreConfiguration
    /// Grows by one with every write; 0 for a new store.
    public let version: UInt64
    /// The mathematics.
    public let model: StoreModel
    /// mrdam: the id of each row of Ξ, in order (empty for drdam).
    public let ids: [String]
    /// mrdam: row index of each id.
    let rowOfID: [String: Int]
    /// mrdam: the counter behind assigned ids.
    let nextID: UInt64

    /// The empty state of a new store with a resolved configuration.
    public init(configuration: StoreConfiguration) throws {
        self.init(configuration: configuration, version: 0, model: try StoreModel(configuration: configuration), ids: [], nextID: 1)
    }

    init(configuration: StoreConfiguration, version: UInt64, model: StoreModel, ids: [String], nextID: UInt64) {
        self.configuration = configuration
        self.version = version
        self.model = model
        self.ids = ids
        self.rowOfID = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        self.nextID = nextID
    }

    /// Memories held.
    public var count: Int { model.count }

    /// The row index of the memory with `id` (mrdam).
    public func row(of id: String) -> Int? { rowOfID[id] }

    /// Ids for `count` new rows: `given` checked (right count, unique, new, well-formed), or assigned
    /// from the counter ("1", "2", …, skipping ids already taken). Returns the ids and the next counter.
    func resolveIDs(_ given: [String]?, count: Int) throws -> (ids: [String], nextID: UInt64) {
        if let given {
            guard given.count == count else { throw StoreError.invalid("\(given.count) ids for \(count) memories") }
            for id in given where !Self.isValidID(id) {
                throw StoreError.invalid("id '\(id)' is not valid: use 1 to 128 of A-Z a-z 0-9 . _ : -")
            }
            guard Set(given).count == given.count else { throw StoreError.invalid("the ids repeat") }
            if let taken = given.first(where: { rowOfID[$0] != nil }) { throw StoreError.conflict("id '\(taken)' is already in the store") }
            return (given, nextID)
        }
        var out: [String] = []
        var next = nextID
        while out.count < count {
            let id = String(next)
            next += 1
            if rowOfID[id] == nil { out.append(id) }
        }
        return (out, next)
    }

    /// Whether `id` is 1 to 128 characters of A-Z a-z 0-9 . _ : -.
    public static func isValidID(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count) && id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E || c == 0x5F || c == 0x3A || c == 0x2D
        }
    }
}
